package io.tuneops.console.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** webhook-service's approval workflow ({@code /api/approvals}), in the JSON it answers. */
@ApplicationScoped
public class ApprovalsApi {

    static final String APPROVALS = "/api/approvals";
    /** The most requests one bulk decision takes. */
    public static final int BULK_LIMIT = 100;

    public record Request(String id, String job_id, String user_id, String rule_id, String status, String reason,
                          String provider, String config_name, Double estimated_cost, String hardware_type,
                          String reviewed_by, String reviewed_at, String review_notes, String created_at,
                          String expires_at) {
    }

    public record RequestList(List<Request> requests, long pending_count) {
    }

    public record Rule(String id, String name, String description, String condition, String threshold, boolean is_active,
                       int priority, String applies_to_provider, String applies_to_level, List<String> exempt_levels,
                       String required_approver_level, String created_at) {
    }

    public record RuleList(List<Rule> rules) {
    }

    /** The answer to one decision, with the request as it now stands. */
    public record Decided(boolean success, String request_id, String job_id, Request request) {
    }

    /** The body of a single decision: notes for an approval, a reason (and notes) for a rejection. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Decision(String notes, String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BulkDecision(List<String> request_ids, String notes, String reason) {
    }

    public record BulkResult(String request_id, boolean success, String error) {
    }

    public record BulkOutcome(int total, int succeeded, int failed, List<BulkResult> results) {
    }

    /** How a decision is named on the wire and in words. */
    public enum Verdict {
        APPROVE("approve", "bulk-approve", "approved"),
        REJECT("reject", "bulk-reject", "rejected");

        private final String path;
        private final String bulkPath;
        private final String done;

        Verdict(String path, String bulkPath, String done) {
            this.path = path;
            this.bulkPath = bulkPath;
            this.done = done;
        }

        /** "approved", "rejected". */
        public String done() {
            return done;
        }

        public static Optional<Verdict> of(String value) {
            return Arrays.stream(values()).filter(v -> v.path.equals(value)).findFirst();
        }

        /** The body: the original takes notes for both and a reason for a rejection. */
        Decision decision(String notes) {
            return this == APPROVE ? new Decision(notes, null) : new Decision(notes, notes);
        }
    }

    private final OwnerClient owners;

    public ApprovalsApi(OwnerClient owners) {
        this.owners = owners;
    }

    /** @param status null: every status */
    public Uni<Answer<RequestList>> requests(Caller caller, String status, int limit) {
        String query = Query.of().add("status", status).add("limit", String.valueOf(limit)).toString();
        return owners.get(Owner.WEBHOOK, APPROVALS + "/requests" + query, caller, RequestList.class);
    }

    public Uni<Answer<RuleList>> rules(Caller caller) {
        return owners.get(Owner.WEBHOOK, APPROVALS + "/rules", caller, RuleList.class);
    }

    public Uni<Answer<Decided>> decide(Caller caller, String id, Verdict verdict, String notes) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, APPROVALS + "/requests/" + Query.segment(id) + "/" + verdict.path,
                caller, verdict.decision(notes), Decided.class);
    }

    public Uni<Answer<BulkOutcome>> decideAll(Caller caller, List<String> ids, Verdict verdict, String notes) {
        Decision one = verdict.decision(notes);
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, APPROVALS + "/requests/" + verdict.bulkPath, caller,
                new BulkDecision(ids, one.notes(), one.reason()), BulkOutcome.class);
    }
}
