package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.rest.QuotaViews.CostCheck;
import io.tuneops.webhook.rest.QuotaViews.QuotaCreate;
import io.tuneops.webhook.rest.QuotaViews.QuotaCreated;
import io.tuneops.webhook.rest.QuotaViews.QuotaDeleted;
import io.tuneops.webhook.rest.QuotaViews.QuotaList;
import io.tuneops.webhook.rest.QuotaViews.QuotaTypes;
import io.tuneops.webhook.rest.QuotaViews.QuotaView;
import io.tuneops.webhook.rest.QuotaViews.StatusReport;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.quota.QuotaRequest;
import io.tuneops.webhook.service.quota.QuotaService;
import io.tuneops.webhook.service.quota.QuotaSubject;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Quotas and budgets. Reading is for viewers, changing for admins (CallerAccess, as the gateway);
 * another user's status only for admins. The literal routes (types, me, status, user/...,
 * cost-estimate) are matched before {@code /{quota_id}}: JAX-RS prefers literal path segments.
 * A literal route asked with a method it does not take would fall through to {@code /{quota_id}}
 * and read or delete a quota of that name, so each such pair answers 405 itself.
 */
@Path("/api/quotas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Quotas")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class QuotaResource {

    // a double printed in full has at most 17 significant digits; more decimals than this are no client's arithmetic
    private static final int MAX_DECIMALS_READ = 24;

    private final QuotaService quotas;

    public QuotaResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    @GET
    @Operation(summary = "List quotas", description = "Every quota of every scope.")
    @APIResponse(responseCode = "200", description = "The quotas", content = @Content(schema = @Schema(implementation = QuotaList.class)))
    public Uni<QuotaList> list() {
        return quotas.list().map(QuotaList::of);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a quota", description = "Global, or for the one user, organisation or team the body "
            + "names. Audited.")
    @RequestBody(content = @Content(schema = @Schema(implementation = QuotaCreate.class)))
    @APIResponse(responseCode = "201", description = "Created: the quota, and the same again under quota (the original's "
            + "answer, which its CLI reads)", content = @Content(schema = @Schema(implementation = QuotaCreated.class)))
    @APIResponse(responseCode = "400", description = "Invalid quota: every wrong field is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> create(JsonObject body, @Context RoutingContext rc) {
        return QuotaChanges.create(quotas, body == null ? null : QuotaRequest.parse(body), rc);
    }

    @GET
    @Path("/types")
    @Operation(summary = "Quota types, actions and scopes")
    @APIResponse(responseCode = "200", description = "What a quota can be", content = @Content(schema = @Schema(implementation = QuotaTypes.class)))
    public QuotaTypes types() {
        return QuotaTypes.ALL;
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller's quota status", description = "Every quota that applies to the caller (global, "
            + "their organisation, their first team, themselves), the tightest per type.")
    @APIResponse(responseCode = "200", description = "The caller's status", content = @Content(schema = @Schema(implementation = StatusReport.class)))
    public Uni<StatusReport> me(@Context RoutingContext rc) {
        return quotas.status(VouchedCaller.of(rc).quotaSubject()).map(StatusReport::of);
    }

    @GET
    @Path("/status")
    @Operation(summary = "The caller's quota status (alias)", description = "Same as GET /api/quotas/me.")
    @APIResponse(responseCode = "200", description = "The caller's status", content = @Content(schema = @Schema(implementation = StatusReport.class)))
    public Uni<StatusReport> status(@Context RoutingContext rc) {
        return me(rc);
    }

    @GET
    @Path("/user/{user_id}")
    @Operation(summary = "A user's quota status", description = "Admins only; a user reads their own at /api/quotas/me. "
            + "Another user is measured under the organisation and team of their latest job.")
    @APIResponse(responseCode = "200", description = "The user's status", content = @Content(schema = @Schema(implementation = StatusReport.class)))
    public Uni<StatusReport> user(@PathParam("user_id") String userId) {
        return quotas.subjectOf(userId).chain(quotas::status).map(StatusReport::of);
    }

    @POST
    @Path("/cost-estimate")
    @Operation(summary = "Check a cost against the caller's budgets", description = "How a job costing estimated_cost "
            + "would fare against the cost_daily and cost_monthly quotas that apply to the caller now.")
    @APIResponse(responseCode = "200", description = "The budgets' verdict", content = @Content(schema = @Schema(implementation = CostCheck.class)))
    @APIResponse(responseCode = "400", description = "estimated_cost missing, or not an amount a budget can hold "
            + "(0 to 99999999.999999; more decimals are rounded to 6)", content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> costEstimate(@Parameter(description = "US dollars, 0 to 99999999.999999, rounded to 6 decimals")
                                      @QueryParam("estimated_cost") String cost, @Context RoutingContext rc) {
        BigDecimal amount = amount(cost);
        if (amount == null) {
            return Uni.createFrom().item(Response.status(400).entity(new ValidationError("Invalid estimated_cost",
                    List.of(new FieldError("estimated_cost", "must be an amount of US dollars from 0 to "
                            + QuotaRequest.MAX_LIMIT.toPlainString() + ", rounded to 6 decimals")))).build());
        }
        QuotaSubject subject = VouchedCaller.of(rc).quotaSubject();
        return quotas.costCheck(subject, amount).map(d -> Response.ok(CostCheck.of(amount, d)).build());
    }

    @GET
    @Path("/cost-estimate")
    @Operation(hidden = true)
    public Response costEstimateByGet() {
        return wrongMethod("/cost-estimate", "POST");
    }

    @DELETE
    @Path("/cost-estimate")
    @Operation(hidden = true)
    public Response deleteCostEstimate() {
        return wrongMethod("/cost-estimate", "POST");
    }

    @DELETE
    @Path("/types")
    @Operation(hidden = true)
    public Response deleteTypes() {
        return wrongMethod("/types", "GET");
    }

    @DELETE
    @Path("/me")
    @Operation(hidden = true)
    public Response deleteMe() {
        return wrongMethod("/me", "GET");
    }

    @DELETE
    @Path("/status")
    @Operation(hidden = true)
    public Response deleteStatus() {
        return wrongMethod("/status", "GET");
    }

    @GET
    @Path("/{quota_id}")
    @Operation(summary = "Read a quota")
    @APIResponse(responseCode = "200", description = "The quota", content = @Content(schema = @Schema(implementation = QuotaView.class)))
    @APIResponse(responseCode = "404", description = "No such quota", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@PathParam("quota_id") String id) {
        return quotas.find(id).map(found -> found.map(q -> Response.ok(QuotaView.of(q)).build())
                .orElseGet(() -> QuotaChanges.notFound(id)));
    }

    @DELETE
    @Path("/{quota_id}")
    @Operation(summary = "Delete a quota", description = "Audited. Answers the original's {\"success\": true, "
            + "\"quota_id\"}, which its CLI parses.")
    @APIResponse(responseCode = "200", description = "Deleted", content = @Content(schema = @Schema(implementation = QuotaDeleted.class)))
    @APIResponse(responseCode = "404", description = "No such quota", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> delete(@PathParam("quota_id") String id, @Context RoutingContext rc) {
        VouchedCaller caller = VouchedCaller.of(rc);
        return quotas.delete(id, caller.actor(), caller.clientIp()).map(deleted -> deleted.isPresent()
                ? Response.ok(new QuotaDeleted(true, deleted.get().id())).build() : QuotaChanges.notFound(id));
    }

    private static Response wrongMethod(String route, String allowed) {
        return Response.fromResponse(JsonErrorMappers.json(405, "/api/quotas" + route + " takes " + allowed
                + " only; it is never read as a quota id")).header("Allow", allowed).build();
    }

    /**
     * The amount, when a budget could hold it (numeric(14, 6), as a quota's limit), rounded to its
     * six decimals: a client's floating-point product (11.088000000000001) is an amount, not an
     * error. Anything larger, or with more decimals than a double has, is refused before it is
     * computed with, since an exponent such as 1e999999999 (or 1e-999999999) is cheap to write and
     * costly to print, divide or round.
     */
    private static BigDecimal amount(String value) {
        if (value == null || value.isBlank() || value.length() > 32) {
            return null;
        }
        try {
            BigDecimal amount = new BigDecimal(value.trim()).stripTrailingZeros();
            if (amount.signum() < 0 || amount.scale() > MAX_DECIMALS_READ || amount.precision() - amount.scale() > 8) {
                return null;
            }
            BigDecimal rounded = amount.setScale(Math.min(amount.scale(), 6), RoundingMode.HALF_UP);
            return rounded.precision() - rounded.scale() <= 8 ? rounded : null;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
