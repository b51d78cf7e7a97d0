package io.tuneops.console.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.CostsApi;
import io.tuneops.console.client.CostsApi.Estimate;
import io.tuneops.console.client.CostsApi.EstimateRequest;
import io.tuneops.console.client.CostsApi.Hardware;
import io.tuneops.console.client.CostsApi.HardwareOptions;
import io.tuneops.console.client.JobsApi;
import io.tuneops.console.client.JobsApi.Submitted;
import io.tuneops.console.client.OwnerUnavailable;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.Formats;
import io.tuneops.console.service.JobViews;
import io.tuneops.console.service.SubmitForm;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Section;
import io.tuneops.console.web.Shown;
import io.tuneops.console.web.Visitor;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Submitting a job (Replicate or generic), with its cost estimate shown before it is submitted:
 * htmx asks again for the estimate section whenever the provider, the hardware or the maximum run
 * time changes. Operators and admins only.
 */
@Path("/submit")
@Produces(MediaType.TEXT_HTML)
public class SubmitPage {

    static final Set<String> FIELDS = Set.of("provider", "name", "hardware", "version", "destination", "input",
            "max_run_seconds");

    /** A hardware choice of the provider, with its price. */
    public record HardwareChoice(String id, String label) {
    }

    /**
     * The cost estimate as shown: {@code cost} is null when there is none (then {@code message}
     * says why), {@code error} when webhook-service could not give one.
     */
    public record EstimateView(String cost, String basis, String message, String error) {

        static final EstimateView NONE = new EstimateView(null, null, null, null);

        public boolean asked() {
            return this != NONE;
        }
    }

    /** templates/SubmitPage/submit.html */
    record submit(Layout layout, SubmitForm form, List<Option> providers, List<HardwareChoice> hardware,
                  EstimateView estimate, FormErrors errors) implements TemplateInstance {
    }

    /**
     * templates/SubmitPage/submitted.html: the new job with its upload credentials, which the API
     * shows this once (none while it waits for approval), its quota warnings, and its approval
     * request when it is held.
     */
    record submitted(Layout layout, String jobId, String jobHref, JobsApi.UploadCredentials credentials, String warning,
                     List<String> quotaWarnings, String approvalRequestId, boolean held) implements TemplateInstance {
    }

    private final Pages pages;
    private final JobsApi jobs;
    private final CostsApi costs;
    private final ObjectMapper json;

    public SubmitPage(Pages pages, JobsApi jobs, CostsApi costs, ObjectMapper json) {
        this.pages = pages;
        this.jobs = jobs;
        this.costs = costs;
        this.json = json;
    }

    @GET
    public Uni<TemplateInstance> form(@Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        return page(visitor, rc, SubmitForm.blank(), FormErrors.NONE);
    }

    /**
     * The form with the estimate for this provider, hardware and maximum run time; htmx takes the
     * estimate section out of it.
     */
    @GET
    @Path("/estimate")
    public Uni<TemplateInstance> estimate(@QueryParam("provider") String provider, @QueryParam("hardware") String hardware,
                                          @QueryParam("max_run_seconds") String maxRunSeconds, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        return page(visitor, rc, new SubmitForm(provider, "", hardware, "", "", "", null, maxRunSeconds), FormErrors.NONE);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> submitJob(@RestForm String provider, @RestForm String name, @RestForm String hardware,
                                   @RestForm String version, @RestForm String destination, @RestForm String input,
                                   @RestForm("idempotency_key") String idempotencyKey,
                                   @RestForm("max_run_seconds") String maxRunSeconds,
                                   @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                   @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        Csrf.require(visitor, csrf, csrfHeader);
        SubmitForm form = new SubmitForm(provider, name, hardware, version, destination, input, idempotencyKey,
                maxRunSeconds);
        SubmitForm.Built built = form.build(json);
        if (!built.errors().isEmpty()) {
            return page(visitor, rc, form, FormErrors.local(built.errors())).map(SubmitPage::ok);
        }
        return jobs.submit(Caller.of(rc, visitor), built.body()).chain(answer -> answer.fold(
                        result -> Uni.createFrom().item(submitted(visitor, rc, result)),
                        problem -> page(visitor, rc, form, FormErrors.of(problem, FIELDS, Map.of())).map(SubmitPage::ok)))
                .onFailure(OwnerUnavailable.class).recoverWithUni(e -> page(visitor, rc, form,
                        FormErrors.general("Not submitted: " + e.getMessage() + ". Send the form again: the same "
                                + "idempotency key makes sure the job is created at most once.")).map(SubmitPage::ok));
    }

    /**
     * A new job's page: its credentials (shown this once), its warnings, and its approval request
     * when it waits for one. A retried submit goes to the earlier job instead.
     */
    private Response submitted(Visitor visitor, RoutingContext rc, Submitted result) {
        String href = "/jobs/" + Query.segment(result.job_id());
        if (Boolean.TRUE.equals(result.idempotent_replay())
                || (result.upload_credentials() == null && !result.heldForApproval())) {
            return Pages.seeOther(rc, href);
        }
        return Response.ok(new submitted(pages.layout(visitor, Section.SUBMIT,
                result.heldForApproval() ? "Job waiting for approval" : "Job submitted"), result.job_id(), href,
                result.upload_credentials(), result.cost_limit_warning(),
                result.quota_warnings() == null ? List.of() : result.quota_warnings(), result.approval_request_id(),
                result.heldForApproval())).build();
    }

    /** The form with the provider's hardware to choose from and, once hardware is chosen, the estimate. */
    private Uni<TemplateInstance> page(Visitor visitor, RoutingContext rc, SubmitForm form, FormErrors errors) {
        Caller caller = Caller.of(rc, visitor);
        String hardware = form.hardware() == null || form.hardware().isBlank() ? null : form.hardware().trim();
        Long maxRun = form.maxRun(new HashMap<>());
        Uni<EstimateView> estimate = hardware == null ? Uni.createFrom().item(EstimateView.NONE)
                : Shown.of(costs.estimate(caller, new EstimateRequest(form.provider(), hardware, maxRun)))
                        .map(shown -> shown.error() != null ? new EstimateView(null, null, null, shown.error())
                                : estimateView(shown.value(), maxRun));
        return Uni.combine().all().unis(Shown.of(costs.hardware(caller, form.provider())), estimate).asTuple()
                .map(t -> new submit(pages.layout(visitor, Section.SUBMIT, "Submit a job"), form,
                        Option.of(JobViews.PROVIDERS, form.provider()), t.getItem1().map(SubmitPage::choices, List.of()),
                        t.getItem2(), errors));
    }

    static List<HardwareChoice> choices(HardwareOptions options) {
        return options.hardware() == null ? List.of() : options.hardware().stream().filter(Hardware::available)
                .map(h -> new HardwareChoice(h.id(), Formats.text(h.name()) + (h.cost_per_hour() == null ? ""
                        : ", " + Formats.usd(h.cost_per_hour()) + " per hour"))).toList();
    }

    static EstimateView estimateView(Estimate e, Long maxRun) {
        if (!e.has_estimate() || e.estimated_cost_usd() == null) {
            return new EstimateView(null, null, Formats.text(e.message()), null);
        }
        String rate = e.hardware_cost_per_hour() == null ? "" : " at " + Formats.usd(e.hardware_cost_per_hour()) + " per hour";
        String basis = maxRun != null ? "for at most " + Formats.duration(maxRun.doubleValue()) + rate
                : "for an average run of " + Formats.duration(e.avg_duration_seconds()) + rate;
        return new EstimateView(Formats.usd(e.estimated_cost_usd()), basis, e.message(), null);
    }

    private static Response ok(TemplateInstance page) {
        return Response.ok(page).build();
    }
}
