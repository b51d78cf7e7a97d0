package io.tuneops.webhook.service.approval;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import java.time.Duration;
import java.util.Optional;

/** What the approval workflow asks of the jobs it holds back; implemented where jobs are submitted. */
public interface ApprovedJobs {

    /**
     * What a release leaves to the decision's last step: the job's upload credentials become usable
     * only once nothing before the COMMIT can fail any more but the COMMIT itself, so that a
     * decision rolled back (its audit event refused, its COMMIT failed) leaves none live for a job
     * that still waits.
     */
    interface Release {
        /** Publishes the job's credentials for storage-service, within {@code within}; after the audit event. */
        Uni<Void> publish(Duration within);

        /** Removes them again: the decision did not commit. */
        Uni<Void> withdraw();
    }

    /**
     * Moves a {@code pending_approval} job on, in the decision's transaction; empty when the job is
     * no longer waiting (cancelled meanwhile), so the decision must not stand.
     */
    Uni<Optional<Release>> release(SqlConnection tx, String jobId, String actor);

    /** After the release committed: sends the job to its provider, once. */
    Uni<Void> dispatch(String jobId);

    /**
     * Ends a {@code pending_approval} job as cancelled (rejected, or expired) with {@code reason}
     * and releases its quota reservation, in the decision's transaction; false when it was no
     * longer waiting.
     */
    Uni<Boolean> abandon(SqlConnection tx, String jobId, String reason, String actor);
}
