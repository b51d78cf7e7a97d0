package io.tuneops.gateway.repository;

import java.time.Instant;

/**
 * A console session as Redis holds it, under {@code id} (the hash of its token, never the token):
 * the API key it was opened with (id, and the lookup prefix and check value that tell whether
 * that key still holds; the prefix is empty for the bootstrap key), its CSRF token and the end of
 * its lifetime.
 */
public record SessionRecord(String id, String keyId, String keyPrefix, String keyCheck, String csrfToken,
                            Instant expiresAt) {
}
