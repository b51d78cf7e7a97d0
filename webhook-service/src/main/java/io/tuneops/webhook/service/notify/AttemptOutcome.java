package io.tuneops.webhook.service.notify;

import java.time.Duration;

/**
 * What became of one attempt, as recorded on its delivery.
 *
 * @param status     delivered, pending (retried after {@code retryAfter}) or failed
 * @param statusCode the far end's answer (HTTP status, SMTP reply code); null when there was none
 * @param error      why it did not succeed; null when it did
 */
public record AttemptOutcome(DeliveryStatus status, Duration retryAfter, Integer statusCode, String error, int latencyMs) {
}
