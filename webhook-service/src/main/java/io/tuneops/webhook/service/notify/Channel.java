package io.tuneops.webhook.service.notify;

import java.time.OffsetDateTime;

/** A notification channel as stored, without its secret (see {@link ChannelSecret}). */
public record Channel(String id, String name, ChannelType type, boolean enabled, ChannelSettings settings,
                      boolean secretConfigured, String orgId, String createdBy, OffsetDateTime createdAt,
                      OffsetDateTime updatedAt) {
}
