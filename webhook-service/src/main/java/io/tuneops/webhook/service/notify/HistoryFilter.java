package io.tuneops.webhook.service.notify;

import java.time.OffsetDateTime;

/** A page of the delivery history, newest first; null filters match everything. */
public record HistoryFilter(int limit, long offset, String channelId, String eventType, DeliveryStatus status, String jobId,
                            OffsetDateTime since, OffsetDateTime until) {
}
