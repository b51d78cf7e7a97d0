package io.tuneops.support.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;

/**
 * One notification event as another service hands it to webhook-service, which owns delivery
 * ({@code POST /internal/notifications/events}). The sender keeps the event in its own outbox
 * until webhook-service has answered 2xx; webhook-service stores it once per {@code eventId}, so
 * a relay that sends it again after a crash changes nothing.
 *
 * @param eventId    the event's id and every delivery's {@code webhook-id}
 * @param severity   info, warning, error or critical; null for the event type's default
 * @param occurredAt when the reported change committed; null for now
 * @param data       the facts a person needs to act, snake_case
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationEventPayload(
        @JsonProperty("event_id") String eventId,
        @JsonProperty("event_type") String eventType,
        @JsonProperty("severity") String severity,
        @JsonProperty("occurred_at") OffsetDateTime occurredAt,
        @JsonProperty("job_id") String jobId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("team_id") String teamId,
        @JsonProperty("org_id") String orgId,
        @JsonProperty("data") JsonNode data) {
}
