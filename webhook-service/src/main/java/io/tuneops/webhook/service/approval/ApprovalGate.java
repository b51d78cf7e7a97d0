package io.tuneops.webhook.service.approval;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditEvent;
import io.vertx.mutiny.sqlclient.SqlConnection;

import java.util.Optional;

/** What job submission and cancellation ask of the approval workflow, inside their own transactions. */
public interface ApprovalGate {

    /** The active rule of highest priority that the submission meets and its submitter is not exempt from. */
    Uni<Optional<ApprovalNeed>> evaluate(SqlConnection tx, Submission submission);

    /** Opens a pending request for a job stored as {@code pending_approval}; answers the request's id. */
    Uni<String> open(SqlConnection tx, Submission submission, ApprovalNeed need);

    /** The job's latest request: while the job is held, it says who may cancel the job ({@link ApprovalRequest#cancellableBy}). */
    Uni<Optional<ApprovalRequest>> latestRequest(String jobId);

    /**
     * Closes the job's pending request as cancelled, when it has one (the job was cancelled by
     * {@code actor}); answers its approval.cancelled audit event, for the caller to append before
     * the COMMIT as a cancel through the request's own route does.
     */
    Uni<Optional<AuditEvent>> cancelForJob(SqlConnection tx, String jobId, String actor, String clientIp);
}
