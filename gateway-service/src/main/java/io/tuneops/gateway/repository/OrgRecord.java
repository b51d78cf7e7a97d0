package io.tuneops.gateway.repository;

import java.time.OffsetDateTime;

/** A row of gateway.organisations. */
public record OrgRecord(String id, String name, String slug, OffsetDateTime createdAt) {
}
