package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes a job's new state, whoever decided it (a webhook, the submit's provider answer, a cancel,
 * reconciliation): a job that has just finished starts its upload credentials' grace period in the
 * same transaction.
 */
@ApplicationScoped
public class JobWriter {

    private final JobRepository jobs;
    private final UploadCredentials credentials;

    public JobWriter(JobRepository jobs, UploadCredentials credentials) {
        this.jobs = jobs;
        this.credentials = credentials;
    }

    public Uni<JobRow> save(SqlClient tx, JobRow next) {
        return jobs.update(tx, next).call(saved -> saved.status().terminal()
                ? credentials.revokeAfterGrace(tx, saved.jobId()) : Uni.createFrom().voidItem());
    }
}
