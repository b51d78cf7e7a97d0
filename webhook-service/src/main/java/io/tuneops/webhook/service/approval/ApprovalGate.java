package io.tuneops.webhook.service.approval;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import java.util.Optional;

/** What job submission and cancellation ask of the approval workflow, inside their own transactions. */
public interface ApprovalGate {

    /** The active rule of highest priority that the submission meets and its submitter is not exempt from. */
    Uni<Optional<ApprovalNeed>> evaluate(SqlConnection tx, Submission submission);

    /** Opens a pending request for a job stored as {@code pending_approval}; answers the request's id. */
    Uni<String> open(SqlConnection tx, Submission submission, ApprovalNeed need);

    /** Closes the job's pending request as cancelled, when it has one (the submitter cancelled the job). */
    Uni<Void> cancelForJob(SqlConnection tx, String jobId, String actor);
}
