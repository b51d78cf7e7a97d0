package io.tuneops.webhook.service.notify;

import java.time.OffsetDateTime;
import java.util.List;

/** One delivery as the history shows it: its event, its channel and how its attempts went. */
public record DeliveryEntry(long id, String eventId, String eventType, Severity severity, String channelId, String channelName,
                            ChannelType channelType, List<String> recipients, DeliveryStatus status, int attempts,
                            Integer lastStatusCode, String lastError, Integer latencyMs, OffsetDateTime deliveredAt,
                            OffsetDateTime lastAttemptAt, OffsetDateTime createdAt, OffsetDateTime nextAttemptAt, String jobId) {
}
