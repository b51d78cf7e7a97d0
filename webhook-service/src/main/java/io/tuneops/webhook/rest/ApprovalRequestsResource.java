package io.tuneops.webhook.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.approval.ApprovalDecisions;
import io.tuneops.webhook.service.approval.ApprovalDecisions.Action;
import io.tuneops.webhook.service.approval.ApprovalRequests;
import io.tuneops.webhook.service.approval.ApprovalStatus;
import io.tuneops.webhook.service.approval.DecisionOutcome;
import io.tuneops.webhook.service.approval.RuleChange;
import io.tuneops.webhook.service.approval.Submitter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Approval requests of held jobs. The edge lets operators in (CallerAccess, as the gateway's
 * AccessPolicy); each decision then needs the role the request names, and approving one's own
 * job needs TUNEOPS_APPROVAL_ALLOW_SELF_APPROVAL. Expiring on demand needs admin.
 */
@Path("/api/approvals")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Approvals")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class ApprovalRequestsResource {

    static final int MAX_LIMIT = 200;
    static final int MAX_BULK = 100;
    static final int MAX_NOTES = 4000;
    private static final String NO_SUCH_ID = "Approval request not found: no request id holds control characters";

    private final ApprovalRequests requests;
    private final ApprovalDecisions decisions;

    public ApprovalRequestsResource(ApprovalRequests requests, ApprovalDecisions decisions) {
        this.requests = requests;
        this.decisions = decisions;
    }

    public record RequestList(List<ApprovalRequestView> requests, long pending_count) {
    }

    public record PendingCount(long pending_count) {
    }

    public record Expired(int expired) {
    }

    /** The original's answer to approve, reject and cancel, with the request as it now stands. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Decision(boolean success, String request_id, String job_id, String approved_by, String rejected_by,
                           String cancelled_by, String reason, ApprovalRequestView request) {
    }

    @Schema(name = "ApprovalDecisionBody")
    public record DecisionBody(@Schema(description = "kept as the review notes") String notes,
                               @Schema(description = "why (reject: required, unless notes are given)") String reason) {
    }

    @Schema(name = "ApprovalBulkBody")
    public record BulkBody(@Schema(required = true, description = "1 to 100 request ids") List<String> request_ids,
                           String notes, @Schema(description = "bulk-reject: required, unless notes are given") String reason) {
    }

    public record BulkItem(String request_id, boolean success, String error) {
    }

    public record BulkResult(int total, int succeeded, int failed, List<BulkItem> results) {
    }

    /** The {@code {"detail": ...}} error of a decision, with the request as it stands when there is one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DecisionError(String detail, ApprovalRequestView request) {
    }

    @GET
    @Path("/requests")
    @Operation(summary = "List approval requests", description = "Newest first; pending_count counts every pending request.")
    @APIResponse(responseCode = "200", description = "One page of requests",
            content = @Content(schema = @Schema(implementation = RequestList.class)))
    @APIResponse(responseCode = "400", description = "A filter or paging parameter is invalid",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> list(@Parameter(description = "pending, approved, rejected, cancelled or expired")
                              @QueryParam("status") String status,
                              @Parameter(description = "only pending requests (same as status=pending)")
                              @QueryParam("pending_only") String pendingOnly,
                              @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limitParam,
                              @Parameter(description = "0 to 1000000, default 0") @QueryParam("offset") String offsetParam) {
        Optional<ApprovalStatus> filter = Optional.ofNullable(status).flatMap(ApprovalStatus::fromWire);
        if (status != null && filter.isEmpty()) {
            return bad("status must be one of pending, approved, rejected, cancelled, expired");
        }
        if (pendingOnly != null && !pendingOnly.equals("true") && !pendingOnly.equals("false")) {
            return bad("pending_only must be true or false");
        }
        if ("true".equals(pendingOnly)) {
            if (filter.isPresent() && filter.get() != ApprovalStatus.PENDING) {
                return bad("pending_only=true contradicts status=" + status);
            }
            filter = Optional.of(ApprovalStatus.PENDING);
        }
        Optional<Paging> paging = Paging.of(limitParam, offsetParam, MAX_LIMIT);
        if (paging.isEmpty()) {
            return bad(Paging.rule(MAX_LIMIT));
        }
        return requests.list(filter, Optional.empty(), paging.get().limit(), paging.get().offset())
                .map(page -> Response.ok(new RequestList(page.requests().stream().map(ApprovalRequestView::of).toList(),
                        page.pendingCount())).build());
    }

    @GET
    @Path("/requests/pending/count")
    @Operation(summary = "Count the pending approval requests")
    @APIResponse(responseCode = "200", description = "The count", content = @Content(schema = @Schema(implementation = PendingCount.class)))
    public Uni<PendingCount> pendingCount() {
        return requests.pendingCount().map(PendingCount::new);
    }

    @GET
    @Path("/requests/{request_id}")
    @Operation(summary = "Read an approval request")
    @APIResponse(responseCode = "200", description = "The request",
            content = @Content(schema = @Schema(implementation = ApprovalRequestView.class)))
    @APIResponse(responseCode = "404", description = "No such request", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@PathParam("request_id") String requestId) {
        if (!possibleId(requestId)) {
            return Uni.createFrom().item(JsonErrorMappers.json(404, NO_SUCH_ID));
        }
        return requests.find(requestId).map(found -> found.map(r -> Response.ok(ApprovalRequestView.of(r)).build())
                .orElseGet(() -> JsonErrorMappers.json(404, "Approval request not found: " + requestId)));
    }

    @GET
    @Path("/requests/job/{job_id}")
    @Operation(summary = "Read a job's approval request", description = "Its latest, when it was held more than once.")
    @APIResponse(responseCode = "200", description = "The request",
            content = @Content(schema = @Schema(implementation = ApprovalRequestView.class)))
    @APIResponse(responseCode = "404", description = "The job has no approval request",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> forJob(@PathParam("job_id") String jobId) {
        if (!possibleId(jobId)) {
            return Uni.createFrom().item(JsonErrorMappers.json(404, "No approval request: no job id holds control characters"));
        }
        return requests.forJob(jobId).map(found -> found.map(r -> Response.ok(ApprovalRequestView.of(r)).build())
                .orElseGet(() -> JsonErrorMappers.json(404, "No approval request for job: " + jobId)));
    }

    @POST
    @Path("/requests/{request_id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve a pending request", description = "The job is released and sent to its provider, once. "
            + "Needs the role the request names; approving one's own job is refused unless TUNEOPS_APPROVAL_ALLOW_SELF_APPROVAL is on.")
    @RequestBody(content = @Content(schema = @Schema(implementation = DecisionBody.class)))
    @APIResponse(responseCode = "200", description = "Approved", content = @Content(schema = @Schema(implementation = Decision.class)))
    public Uni<Response> approve(@PathParam("request_id") String requestId, JsonObject body, @Context RoutingContext rc) {
        return decide(Action.APPROVE, requestId, body, rc);
    }

    @POST
    @Path("/requests/{request_id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reject a pending request", description = "The job ends as cancelled with the reason; it never "
            + "reaches its provider. Needs the role the request names and a reason.")
    @RequestBody(content = @Content(schema = @Schema(implementation = DecisionBody.class)))
    @APIResponse(responseCode = "200", description = "Rejected", content = @Content(schema = @Schema(implementation = Decision.class)))
    public Uni<Response> reject(@PathParam("request_id") String requestId, JsonObject body, @Context RoutingContext rc) {
        return decide(Action.REJECT, requestId, body, rc);
    }

    @POST
    @Path("/requests/{request_id}/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a pending request", description = "By its submitter, or by someone with the role it "
            + "names; the job ends as cancelled. The body may be empty.")
    @RequestBody(content = @Content(schema = @Schema(implementation = DecisionBody.class)))
    @APIResponse(responseCode = "200", description = "Cancelled", content = @Content(schema = @Schema(implementation = Decision.class)))
    public Uni<Response> cancel(@PathParam("request_id") String requestId, JsonObject body, @Context RoutingContext rc) {
        return decide(Action.CANCEL, requestId, body, rc);
    }

    @POST
    @Path("/requests/bulk-approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve up to 100 requests", description = "Each one on its own, as a single approve; "
            + "the results say which succeeded.")
    @RequestBody(content = @Content(schema = @Schema(implementation = BulkBody.class)))
    @APIResponse(responseCode = "200", description = "Per-request results",
            content = @Content(schema = @Schema(implementation = BulkResult.class)))
    @APIResponse(responseCode = "400", description = "request_ids missing, empty, over 100, or not strings",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> bulkApprove(JsonObject body, @Context RoutingContext rc) {
        return bulk(Action.APPROVE, body, rc);
    }

    @POST
    @Path("/requests/bulk-reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reject up to 100 requests", description = "Each one on its own, as a single reject; "
            + "the results say which succeeded. A reason is required.")
    @RequestBody(content = @Content(schema = @Schema(implementation = BulkBody.class)))
    @APIResponse(responseCode = "200", description = "Per-request results",
            content = @Content(schema = @Schema(implementation = BulkResult.class)))
    @APIResponse(responseCode = "400", description = "request_ids missing, empty, over 100, or not strings; no reason",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> bulkReject(JsonObject body, @Context RoutingContext rc) {
        return bulk(Action.REJECT, body, rc);
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller's own approval requests", description = "Newest first; pending_count counts "
            + "the pending ones among them.")
    @APIResponse(responseCode = "200", description = "The caller's requests",
            content = @Content(schema = @Schema(implementation = RequestList.class)))
    @APIResponse(responseCode = "400", description = "A filter or paging parameter is invalid",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> mine(@Parameter(description = "pending, approved, rejected, cancelled or expired")
                              @QueryParam("status") String status,
                              @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limitParam,
                              @Context RoutingContext rc) {
        Optional<ApprovalStatus> filter = Optional.ofNullable(status).flatMap(ApprovalStatus::fromWire);
        if (status != null && filter.isEmpty()) {
            return bad("status must be one of pending, approved, rejected, cancelled, expired");
        }
        Optional<Integer> limit = Paging.limit(limitParam, MAX_LIMIT);
        if (limit.isEmpty()) {
            return bad("limit must be 1 to " + MAX_LIMIT);
        }
        Submitter me = VouchedCaller.of(rc).submitter(null);
        return requests.list(filter, Optional.of(me), limit.get(), 0).map(page -> {
            List<ApprovalRequestView> views = page.requests().stream().map(ApprovalRequestView::of).toList();
            long pending = views.stream().filter(v -> v.status().equals(ApprovalStatus.PENDING.wire())).count();
            return Response.ok(new RequestList(views, pending)).build();
        });
    }

    @POST
    @Path("/expire")
    @Operation(summary = "Expire overdue requests now", description = "What the schedule does every "
            + "TUNEOPS_APPROVAL_CHECK_INTERVAL: each pending request past its expires_at is expired and its job "
            + "cancelled. 0 while another replica's sweep is running.")
    @APIResponse(responseCode = "200", description = "How many were expired",
            content = @Content(schema = @Schema(implementation = Expired.class)))
    public Uni<Expired> expire(@Context RoutingContext rc) {
        Caller caller = Caller.of(rc);
        return decisions.expireOverdue(caller.actor(), caller.clientIp()).map(Expired::new);
    }

    private Uni<Response> decide(Action action, String requestId, JsonObject body, RoutingContext rc) {
        JsonObject given = body == null ? new JsonObject() : body;
        List<FieldError> errors = new ArrayList<>();
        String notes = text(given, "notes", errors);
        String reason = text(given, "reason", errors);
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        String said = reason != null ? reason : notes;
        if (action == Action.REJECT && said == null) {
            return invalid(List.of(new FieldError("reason", "Rejection reason is required")));
        }
        if (!possibleId(requestId)) {
            return Uni.createFrom().item(JsonErrorMappers.json(404, NO_SUCH_ID));
        }
        VouchedCaller caller = VouchedCaller.of(rc);
        return decisions.decide(action, requestId, caller.submitter(null), said, caller.clientIp())
                .map(outcome -> outcome.accept(answer(action, caller.actor())));
    }

    private Uni<Response> bulk(Action action, JsonObject body, RoutingContext rc) {
        if (body == null) {
            return bad("A JSON object with request_ids is required");
        }
        List<FieldError> errors = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Object value = body.getValue("request_ids");
        if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_BULK) {
            errors.add(new FieldError("request_ids", "must be a list of 1 to " + MAX_BULK + " request ids"));
        } else {
            for (Object id : array) {
                if (id instanceof String s && !s.isBlank() && possibleId(s)) {
                    ids.add(s);
                } else if (id instanceof String) {
                    errors.add(new FieldError("request_ids", "every id must be a non-empty string without control characters"));
                    break;
                } else if (id instanceof Number n) {
                    // the original's ids were integers; its clients may still send numbers
                    ids.add(n.toString());
                } else {
                    errors.add(new FieldError("request_ids", "every id must be a string"));
                    break;
                }
            }
        }
        String notes = text(body, "notes", errors);
        String reason = text(body, "reason", errors);
        String said = reason != null ? reason : notes;
        if (action == Action.REJECT && said == null) {
            errors.add(new FieldError("reason", "Rejection reason is required"));
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        VouchedCaller caller = VouchedCaller.of(rc);
        return decisions.bulk(action, ids, caller.submitter(null), said, caller.clientIp()).map(results -> {
            List<BulkItem> items = results.stream()
                    .map(r -> new BulkItem(r.requestId(), r.outcome().error() == null, r.outcome().error())).toList();
            int succeeded = (int) items.stream().filter(BulkItem::success).count();
            return Response.ok(new BulkResult(items.size(), succeeded, items.size() - succeeded, items)).build();
        });
    }

    private static DecisionOutcome.Cases<Response> answer(Action action, String actor) {
        return new DecisionOutcome.Cases<>() {
            @Override
            public Response decided(DecisionOutcome.Decided decided) {
                var r = decided.request();
                return Response.ok(new Decision(true, r.id(), r.jobId(), action == Action.APPROVE ? actor : null,
                        action == Action.REJECT ? actor : null, action == Action.CANCEL ? actor : null,
                        action == Action.APPROVE ? null : r.reviewNotes(), ApprovalRequestView.of(r))).build();
            }

            @Override
            public Response notFound(DecisionOutcome.NotFound missing) {
                return JsonErrorMappers.json(404, missing.error());
            }

            @Override
            public Response refused(DecisionOutcome.Refused refused) {
                return JsonErrorMappers.json(403, refused.reason());
            }

            @Override
            public Response conflict(DecisionOutcome.Conflict conflict) {
                return Response.status(409).entity(new DecisionError(conflict.reason(),
                        conflict.request() == null ? null : ApprovalRequestView.of(conflict.request()))).build();
            }
        };
    }

    private static String text(JsonObject body, String field, List<FieldError> errors) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        if (s.length() > MAX_NOTES) {
            errors.add(new FieldError(field, "must be at most " + MAX_NOTES + " characters"));
            return null;
        }
        if (RuleChange.controlCharacter(s, true)) {
            errors.add(new FieldError(field, "must not contain control characters other than tab and line breaks"));
            return null;
        }
        return s.isBlank() ? null : s;
    }

    /** Whether a request id from a path could name a request: no stored id holds a control character. */
    private static boolean possibleId(String id) {
        // PostgreSQL cannot store U+0000 in text: an id holding a control character was never stored
        return !RuleChange.controlCharacter(id, false);
    }

    private static Uni<Response> bad(String detail) {
        return Uni.createFrom().item(JsonErrorMappers.json(400, detail));
    }

    private static Uni<Response> invalid(List<FieldError> errors) {
        return Uni.createFrom().item(Response.status(400).entity(new ValidationError("Invalid request", errors)).build());
    }
}
