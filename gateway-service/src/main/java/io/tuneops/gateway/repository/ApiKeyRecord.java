package io.tuneops.gateway.repository;

import java.time.OffsetDateTime;
import java.util.List;

/** A row of gateway.api_keys. The secret itself is never stored, only its keyed hash. */
public record ApiKeyRecord(String id, String name, String prefix, byte[] secretHash, List<String> scopes,
                           OffsetDateTime createdAt, String createdBy, OffsetDateTime expiresAt,
                           OffsetDateTime revokedAt, String userId) {

    public boolean usableAt(OffsetDateTime now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
