package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.approval.ApprovalCondition;
import io.tuneops.webhook.service.approval.ApprovalRules;
import io.tuneops.webhook.service.approval.RuleOutcome;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

import java.util.Arrays;
import java.util.List;

/**
 * Approval rules and the conditions they can use. Reading needs operator, changing admin
 * (CallerAccess, as the gateway's AccessPolicy).
 */
@Path("/api/approvals")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Approvals")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class ApprovalRulesResource {

    private final ApprovalRules rules;

    public ApprovalRulesResource(ApprovalRules rules) {
        this.rules = rules;
    }

    public record RuleList(List<ApprovalRuleView> rules) {
    }

    public record RuleDeleted(boolean success, String rule_id) {
    }

    /** A condition a rule can use, and what its threshold holds. */
    public record ConditionView(String value, String description, String threshold) {
    }

    public record ConditionList(List<ConditionView> conditions) {
    }

    /** The body of POST and PATCH; on PATCH absent fields keep their value. */
    @Schema(name = "ApprovalRuleChange")
    public record RuleBody(@Schema(required = true, description = "1 to 200 characters") String name,
                           @Schema(description = "up to 2000 characters; default empty") String description,
                           @Schema(required = true, enumeration = {"cost_exceeds", "hardware_type", "provider", "user_level",
                                   "daily_jobs_exceed", "first_job", "config_pattern"}) String condition,
                           @Schema(description = "see GET /api/approvals/conditions; a number is taken as its text") String threshold,
                           @Schema(description = "default true") Boolean is_active,
                           @Schema(description = "higher is tried first; default 0") Integer priority,
                           @Schema(description = "replicate or generic; null for every provider") String applies_to_provider,
                           @Schema(description = "viewer, operator or admin; null for every role") String applies_to_level,
                           @Schema(description = "roles the rule never holds") List<String> exempt_levels,
                           @Schema(description = "viewer, operator or admin (lead = admin); default admin")
                           String required_approver_level) {
    }

    @GET
    @Path("/rules")
    @Operation(summary = "List approval rules", description = "Highest priority first, as submissions try them.")
    @APIResponse(responseCode = "200", description = "The rules", content = @Content(schema = @Schema(implementation = RuleList.class)))
    public Uni<RuleList> list(@Parameter(description = "only the active rules") @QueryParam("active_only") boolean activeOnly) {
        return rules.list(activeOnly).map(found -> new RuleList(found.stream().map(ApprovalRuleView::of).toList()));
    }

    @POST
    @Path("/rules")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an approval rule")
    @RequestBody(content = @Content(schema = @Schema(implementation = RuleBody.class)))
    @APIResponse(responseCode = "201", description = "The rule",
            content = @Content(schema = @Schema(implementation = ApprovalRuleView.class)))
    @APIResponse(responseCode = "400", description = "Invalid rule: every wrong field is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> create(JsonObject body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON object describing the rule is required"));
        }
        Caller caller = Caller.of(rc);
        return rules.create(body, caller.actor(), caller.clientIp()).map(outcome -> outcome.accept(answer(201)));
    }

    @GET
    @Path("/rules/{rule_id}")
    @Operation(summary = "Read an approval rule")
    @APIResponse(responseCode = "200", description = "The rule",
            content = @Content(schema = @Schema(implementation = ApprovalRuleView.class)))
    @APIResponse(responseCode = "404", description = "No such rule", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@PathParam("rule_id") String ruleId) {
        return rules.find(ruleId).map(found -> found.map(r -> Response.ok(ApprovalRuleView.of(r)).build())
                .orElseGet(() -> notFound(ruleId)));
    }

    @PATCH
    @Path("/rules/{rule_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change an approval rule", description = "Fields absent from the body keep their value. "
            + "Requests the rule already opened are not affected.")
    @RequestBody(content = @Content(schema = @Schema(implementation = RuleBody.class)))
    @APIResponse(responseCode = "200", description = "The rule",
            content = @Content(schema = @Schema(implementation = ApprovalRuleView.class)))
    @APIResponse(responseCode = "400", description = "Invalid change: every wrong field is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "404", description = "No such rule", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> update(@PathParam("rule_id") String ruleId, JsonObject body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON object with the fields to change is required"));
        }
        Caller caller = Caller.of(rc);
        return rules.update(ruleId, body, caller.actor(), caller.clientIp()).map(outcome -> outcome.accept(answer(200)));
    }

    @DELETE
    @Path("/rules/{rule_id}")
    @Operation(summary = "Delete an approval rule", description = "Requests it opened keep their reason and approver role.")
    @APIResponse(responseCode = "200", description = "Deleted", content = @Content(schema = @Schema(implementation = RuleDeleted.class)))
    @APIResponse(responseCode = "404", description = "No such rule", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> delete(@PathParam("rule_id") String ruleId, @Context RoutingContext rc) {
        Caller caller = Caller.of(rc);
        return rules.delete(ruleId, caller.actor(), caller.clientIp())
                .map(deleted -> deleted ? Response.ok(new RuleDeleted(true, ruleId)).build() : notFound(ruleId));
    }

    @GET
    @Path("/conditions")
    @Operation(summary = "List the conditions a rule can use", description = "With what each one's threshold holds.")
    @APIResponse(responseCode = "200", description = "The conditions",
            content = @Content(schema = @Schema(implementation = ConditionList.class)))
    public ConditionList conditions() {
        return new ConditionList(Arrays.stream(ApprovalCondition.values())
                .map(c -> new ConditionView(c.wire(), c.description(), c.thresholdHint())).toList());
    }

    private static RuleOutcome.Cases<Response> answer(int savedStatus) {
        return new RuleOutcome.Cases<>() {
            @Override
            public Response saved(RuleOutcome.Saved saved) {
                return Response.status(savedStatus).entity(ApprovalRuleView.of(saved.rule())).build();
            }

            @Override
            public Response notFound(RuleOutcome.NotFound missing) {
                return ApprovalRulesResource.notFound(missing.ruleId());
            }

            @Override
            public Response invalid(RuleOutcome.Invalid invalid) {
                return Response.status(400).entity(new ValidationError("Invalid approval rule", invalid.errors())).build();
            }
        };
    }

    private static Response notFound(String ruleId) {
        return JsonErrorMappers.json(404, "Approval rule not found: " + ruleId);
    }
}
