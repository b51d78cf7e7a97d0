package io.tuneops.gateway.repository;

import java.time.Instant;

/**
 * A console session as Redis holds it, under {@code id} (the hash of its token, never the token):
 * the API key it was opened with (id, and the lookup prefix and check value that tell whether
 * that key still holds; the prefix is empty for the bootstrap key), its CSRF token and the end of
 * its lifetime. A person's own session (password sign-in) has no key: {@code userId} names the
 * person, {@code keyId} is the same id (the name of the set of the person's sessions, so that
 * deactivating the person ends them all at once), and the prefix and check value are empty.
 */
public record SessionRecord(String id, String keyId, String keyPrefix, String keyCheck, String csrfToken,
                            Instant expiresAt, String userId) {

    /** Whether this is a person's own session rather than one opened with an API key. */
    public boolean personal() {
        return userId != null && !userId.isEmpty();
    }
}
