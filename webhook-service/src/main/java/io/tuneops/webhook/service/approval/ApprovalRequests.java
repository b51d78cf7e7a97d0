package io.tuneops.webhook.service.approval;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.repository.ApprovalRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading approval requests, and the counts metrics-service exports. */
@ApplicationScoped
public class ApprovalRequests {

    /** One page of requests, with the number of pending requests overall. */
    public record Page(List<ApprovalRequest> requests, long pendingCount) {
    }

    private final ApprovalRepository approvals;

    public ApprovalRequests(ApprovalRepository approvals) {
        this.approvals = approvals;
    }

    /** Newest first; {@code submitter} narrows the page to one person's requests. */
    public Uni<Page> list(Optional<ApprovalStatus> status, Optional<Submitter> submitter, int limit, int offset) {
        return Uni.combine().all().unis(approvals.requests(status, submitter, limit, offset), approvals.pendingCount())
                .with(Page::new);
    }

    public Uni<Long> pendingCount() {
        return approvals.pendingCount();
    }

    public Uni<Optional<ApprovalRequest>> find(String id) {
        return approvals.request(id);
    }

    public Uni<Optional<ApprovalRequest>> forJob(String jobId) {
        return approvals.requestForJob(jobId);
    }

    /** Requests per status, every status present. */
    public Uni<Map<ApprovalStatus, Long>> countsByStatus() {
        return approvals.countsByStatus();
    }
}
