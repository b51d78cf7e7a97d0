package io.tuneops.webhook.service.approval;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** What the approval workflow asks of the jobs it holds back; implemented where jobs are submitted. */
public interface ApprovedJobs {

    /**
     * Moves a {@code pending_approval} job on, in the decision's transaction; false when the job is
     * no longer waiting (cancelled meanwhile), so the decision must not stand.
     */
    Uni<Boolean> release(SqlConnection tx, String jobId, String actor);

    /** After the release committed: sends the job to its provider, once. */
    Uni<Void> dispatch(String jobId);

    /**
     * Ends a {@code pending_approval} job as cancelled (rejected, or expired) with {@code reason}
     * and releases its quota reservation, in the decision's transaction; false when it was no
     * longer waiting.
     */
    Uni<Boolean> abandon(SqlConnection tx, String jobId, String reason, String actor);
}
