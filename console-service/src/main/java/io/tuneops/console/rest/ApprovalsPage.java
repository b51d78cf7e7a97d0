package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.ApprovalsApi;
import io.tuneops.console.client.ApprovalsApi.BulkOutcome;
import io.tuneops.console.client.ApprovalsApi.Request;
import io.tuneops.console.client.ApprovalsApi.RequestList;
import io.tuneops.console.client.ApprovalsApi.Rule;
import io.tuneops.console.client.ApprovalsApi.RuleList;
import io.tuneops.console.client.ApprovalsApi.Verdict;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.Ids;
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
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The approvals queue: requests held for approval, approved or rejected one by one with notes or
 * in bulk (up to {@value ApprovalsApi#BULK_LIMIT}), and the rules that hold jobs. Operators and
 * admins open it; webhook-service checks per request that the visitor has the role the rule asks
 * of its approver, and its refusal is shown in words.
 */
@Path("/approvals")
@Produces(MediaType.TEXT_HTML)
public class ApprovalsPage {

    static final List<String> STATUSES = List.of("pending", "approved", "rejected", "cancelled", "expired");
    static final int SHOWN = 200;
    static final String ALL = "all";

    /** A request as listed; {@code pending} offers the decision. */
    public record RequestRow(String id, String jobId, String status, String reason, String provider, String hardware,
                             String cost, String created, String expires, String reviewedBy, String notes, boolean pending) {
    }

    public record RuleRow(String id, String name, String condition, String threshold, boolean active, int priority,
                          String appliesTo, String exempt, String approver) {
    }

    /**
     * templates/ApprovalsPage/approvals.html; {@code listError} replaces the requests and
     * {@code rulesError} the rules while webhook-service cannot give them.
     */
    record approvals(Layout layout, List<Option> statuses, String status, List<RequestRow> rows, long pendingCount,
                     String listError, List<RuleRow> rules, String rulesError, String notice, String actionError)
            implements TemplateInstance {
    }

    private final Pages pages;
    private final ApprovalsApi api;

    public ApprovalsPage(Pages pages, ApprovalsApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@QueryParam("status") String status, @QueryParam("decided") String decided,
                                      @QueryParam("verdict") String verdict, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        String notice = Ids.notice(decided,
                id -> "Request " + id + " was " + Verdict.of(verdict).map(Verdict::done).orElse("decided") + ".");
        return render(visitor, rc, filter(status), notice, null);
    }

    /** One decision, with notes (for a rejection they are its reason too). */
    @POST
    @Path("/{id}/decide")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> decide(@PathParam("id") String id, @RestForm String verdict, @RestForm String notes,
                                @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        Csrf.require(visitor, csrf, csrfHeader);
        Verdict chosen = Verdict.of(verdict).orElse(null);
        if (chosen == null) {
            return render(visitor, rc, "pending", null, "Not decided: choose approve or reject.").map(ApprovalsPage::ok);
        }
        return Pages.changed(rc, api.decide(Caller.of(rc, visitor), id, chosen, text(notes)),
                "/approvals" + Query.of().add("decided", id).add("verdict", verdict),
                refusal -> render(visitor, rc, "pending", null, "Request " + id + " not " + chosen.done() + ": " + refusal));
    }

    /** Several decisions at once: each request's outcome is named, those that failed with the owner's words. */
    @POST
    @Path("/bulk")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> bulk(@RestForm String verdict, @RestForm("request_ids") List<String> ids,
                                      @RestForm String notes, @RestForm(Csrf.FIELD) String csrf,
                                      @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        Csrf.require(visitor, csrf, csrfHeader);
        Verdict chosen = Verdict.of(verdict).orElse(null);
        List<String> chosenIds = ids == null ? List.of() : ids.stream().filter(i -> !i.isBlank()).distinct().toList();
        if (chosen == null) {
            return render(visitor, rc, "pending", null, "Nothing decided: choose approve or reject.");
        }
        if (chosenIds.isEmpty() || chosenIds.size() > ApprovalsApi.BULK_LIMIT) {
            return render(visitor, rc, "pending", null, "Nothing decided: tick between 1 and " + ApprovalsApi.BULK_LIMIT
                    + " requests.");
        }
        return Answer.recovering(api.decideAll(Caller.of(rc, visitor), chosenIds, chosen, text(notes)))
                .chain(answer -> answer.fold(
                        outcome -> render(visitor, rc, "pending", summary(outcome, chosen), failures(outcome)),
                        problem -> render(visitor, rc, "pending", null, "Nothing decided: " + problem.detail())));
    }

    static String summary(BulkOutcome outcome, Verdict verdict) {
        return outcome.succeeded() + " of " + outcome.total() + " requests " + verdict.done() + ".";
    }

    /** The requests a bulk decision left as they were, each with the owner's reason; null when none. */
    static String failures(BulkOutcome outcome) {
        if (outcome.failed() == 0 || outcome.results() == null) {
            return null;
        }
        return "Not decided: " + outcome.results().stream().filter(r -> !r.success())
                .map(r -> r.request_id() + " (" + Formats.text(r.error()) + ")").collect(Collectors.joining(", ")) + ".";
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, String status, String notice,
                                         String actionError) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Shown.of(api.requests(caller, status, SHOWN)), Shown.of(api.rules(caller))).asTuple()
                .map(t -> {
                    Shown<RequestList> requests = t.getItem1();
                    Shown<RuleList> rules = t.getItem2();
                    return new approvals(pages.layout(visitor, Section.APPROVALS, "Approvals"),
                            statusOptions(status), status == null ? ALL : status,
                            requests.map(l -> l.requests().stream().map(ApprovalsPage::row).toList(), List.of()),
                            requests.map(RequestList::pending_count, 0L), requests.error(),
                            rules.map(l -> l.rules().stream().map(ApprovalsPage::rule).toList(), List.of()), rules.error(),
                            notice, actionError);
                });
    }

    /** The status filter: pending unless another is asked for; null (every status) for "all" or an unknown one. */
    static String filter(String status) {
        if (status == null || status.isBlank()) {
            return "pending";
        }
        return STATUSES.contains(status) ? status : null;
    }

    static List<Option> statusOptions(String status) {
        List<Option> options = new ArrayList<>();
        STATUSES.forEach(s -> options.add(new Option(s, s, s.equals(status))));
        options.add(new Option(ALL, "every status", status == null));
        return options;
    }

    static RequestRow row(Request r) {
        return new RequestRow(r.id(), r.job_id(), r.status(), Formats.text(r.reason()), Formats.text(r.provider()),
                Formats.text(r.hardware_type()), r.estimated_cost() == null ? Formats.NONE : Formats.usd(r.estimated_cost()),
                Formats.time(r.created_at()), Formats.time(r.expires_at()), Formats.text(r.reviewed_by()),
                Formats.text(r.review_notes()), "pending".equals(r.status()));
    }

    static RuleRow rule(Rule r) {
        return new RuleRow(r.id(), r.name(), r.condition(), Formats.text(r.threshold()), r.is_active(), r.priority(),
                r.applies_to_provider() == null && r.applies_to_level() == null ? "every job"
                        : String.join(", ", Stream.of(r.applies_to_provider(), r.applies_to_level())
                        .filter(s -> s != null && !s.isBlank()).toList()),
                r.exempt_levels() == null || r.exempt_levels().isEmpty() ? Formats.NONE : String.join(", ", r.exempt_levels()),
                Formats.text(r.required_approver_level()));
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Response ok(TemplateInstance page) {
        return Response.ok(page).build();
    }
}
