package io.tuneops.gateway.repository;

import java.time.OffsetDateTime;

/** A row of gateway.teams. */
public record TeamRecord(String id, String orgId, String name, String slug, OffsetDateTime createdAt) {
}
