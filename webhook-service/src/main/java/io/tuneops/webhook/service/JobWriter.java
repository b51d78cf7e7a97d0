package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes a job's new state, whoever decided it (a webhook, the submit's provider answer, a cancel,
 * reconciliation): a job that has just finished starts its upload credentials' grace period and
 * reports what it uploaded (upload.completed, "last") in the same transaction. Its status events
 * come from the job table's trigger (V8__notification_producers.sql).
 */
@ApplicationScoped
public class JobWriter {

    private final JobRepository jobs;
    private final UploadCredentials credentials;
    private final UploadProgressReader uploads;
    private final LastUploadNotice lastUpload;

    public JobWriter(JobRepository jobs, UploadCredentials credentials, UploadProgressReader uploads,
                     LastUploadNotice lastUpload) {
        this.jobs = jobs;
        this.credentials = credentials;
        this.uploads = uploads;
        this.lastUpload = lastUpload;
    }

    /**
     * Saves the figures of a job that had already finished ({@link JobTransitions#apply} on a
     * report in its final state): it finished before, so nothing of its end runs again.
     */
    public Uni<JobRow> saveFigures(SqlClient tx, JobRow next) {
        return jobs.update(tx, next);
    }

    public Uni<JobRow> save(SqlClient tx, JobRow next) {
        if (!next.status().terminal()) {
            return jobs.update(tx, next);
        }
        // the upload figures are read from Redis while PostgreSQL updates the row; a Redis failure
        // fails the change (its credentials' grace period needs Redis as well) rather than losing the event
        return Uni.combine().all().unis(jobs.update(tx, next), uploads.summary(next.jobId())).asTuple()
                .call(both -> credentials.revokeAfterGrace(tx, both.getItem1().jobId()))
                .call(both -> lastUpload.record(tx, both.getItem1(), both.getItem2()))
                .map(both -> both.getItem1());
    }
}
