package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.notify.NotificationEventPayload;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.regex.Pattern;

/**
 * Writes notification events to the outbox (webhook.notification_event). Call it with the
 * transaction of the change the event reports, so the event exists exactly when the change does;
 * the router and the dispatcher take it from there.
 */
@ApplicationScoped
public class NotificationOutbox {

    /** What an event id may look like: it becomes the webhook-id header of every delivery. */
    public static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,120}");

    /** What is wrong with the event, or null when it can be stored. */
    public static String problem(NotificationEventPayload event) {
        if (event == null) {
            return "A JSON object describing one event is required";
        }
        if (event.eventId() == null || !EVENT_ID.matcher(event.eventId()).matches()) {
            return "event_id must be 1 to 120 characters of A-Z a-z 0-9 _ . : -";
        }
        if (NotificationEventType.fromWire(event.eventType()).isEmpty()) {
            return "Unknown event_type '" + shown(event.eventType()) + "' (GET /api/cloud/notifications/events)";
        }
        if (event.severity() != null && Severity.fromWire(event.severity()).isEmpty()) {
            return "severity must be one of info, warning, error, critical";
        }
        if (event.data() != null && !event.data().isNull() && !event.data().isObject()) {
            return "data must be a JSON object";
        }
        return null;
    }

    /**
     * Stores {@code event} unless one with its id exists; true when it was stored. The severity,
     * when null, is the event type's default; a job's event whose sender knows only the job (a
     * storage upload) is given the job's user, team and organisation, so their preferences match.
     *
     * @throws IllegalArgumentException when the event has a {@link #problem}
     */
    public Uni<Boolean> record(SqlClient tx, NotificationEventPayload event) {
        String problem = problem(event);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        NotificationEventType type = NotificationEventType.fromWire(event.eventType()).orElseThrow();
        JsonObject data = event.data() == null || event.data().isNull() ? new JsonObject() : new JsonObject(event.data().toString());
        Severity severity = event.severity() == null ? type.defaultSeverity() : Severity.fromWire(event.severity()).orElseThrow();
        return tx.preparedQuery("""
                        INSERT INTO webhook.notification_event
                          (event_id, event_type, severity, occurred_at, job_id, user_id, team_id, org_id, data)
                        SELECT $1, $2, $3, COALESCE($4, clock_timestamp()), $5, COALESCE($6, j.user_id),
                               COALESCE($7, j.team_id), COALESCE($8, j.org_id), $9
                        FROM (VALUES (1)) AS one LEFT JOIN webhook.job j ON j.job_id = $5
                        ON CONFLICT (event_id) DO NOTHING""")
                .execute(Tuple.from(new Object[]{event.eventId(), type.wire(), severity.wire(), event.occurredAt(),
                        event.jobId(), event.userId(), event.teamId(), event.orgId(), data}))
                .map(rows -> rows.rowCount() == 1);
    }

    private static String shown(String value) {
        return value == null ? "" : value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }
}
