package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.notify.NotificationEventType;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Running jobs that have gone quiet, and their job.stalled events in the notification outbox. */
@ApplicationScoped
public class JobStallRepository {

    /** A running job and when it was last reported on. */
    public record QuietJob(String jobId, OffsetDateTime updatedAt) {
    }

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public JobStallRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /** Running jobs not reported on for {@code quiet}, the quietest first. */
    public Uni<List<QuietJob>> quietRunning(Duration quiet, int limit) {
        return deadlines.database(pool.preparedQuery("SELECT job_id, updated_at FROM webhook.job WHERE status = 'running' "
                        + "AND updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT $2")
                .execute(Tuple.of(quiet.toMillis() / 1000.0, limit)))
                .map(rows -> {
                    List<QuietJob> jobs = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        jobs.add(new QuietJob(r.getString("job_id"), r.getOffsetDateTime("updated_at")));
                    }
                    return jobs;
                });
    }

    /**
     * Writes job.stalled with the job's fields (as its other events carry them, V8) plus
     * {@code quiet}, unless the job has been reported on or has left running since it was found
     * quiet, or the event exists (another replica's watchdog wrote it). True when it was written.
     */
    public Uni<Boolean> recordStall(String eventId, QuietJob job, JsonObject quiet) {
        NotificationEventType type = NotificationEventType.JOB_STALLED;
        return deadlines.database(pool.preparedQuery("""
                        INSERT INTO webhook.notification_event (event_id, event_type, severity, job_id, user_id, team_id, org_id, data)
                        SELECT $1, $2, $3, j.job_id, j.user_id, j.team_id, j.org_id, webhook.notification_job_data(j) || $4::jsonb
                        FROM webhook.job j WHERE j.job_id = $5 AND j.status = 'running' AND j.updated_at = $6
                        ON CONFLICT (event_id) DO NOTHING""")
                .execute(Tuple.from(new Object[]{eventId, type.wire(), type.defaultSeverity().wire(), quiet, job.jobId(),
                        job.updatedAt()})))
                .map(rows -> rows.rowCount() == 1);
    }
}
