package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.Query;
import io.tuneops.console.client.QuotasApi;
import io.tuneops.console.client.QuotasApi.NewQuota;
import io.tuneops.console.client.QuotasApi.Quota;
import io.tuneops.console.client.QuotasApi.QuotaList;
import io.tuneops.console.client.QuotasApi.Status;
import io.tuneops.console.client.QuotasApi.Types;
import io.tuneops.console.client.QuotasApi.Usage;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Confirmations;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Quotas: the visitor's own usage against every quota that applies to them (and which scope
 * decided), and the quotas themselves. Everyone reads; admins create and delete (webhook-service
 * enforces the same).
 */
@Path("/quotas")
@Produces(MediaType.TEXT_HTML)
public class QuotasPage {

    static final List<String> SCOPES = List.of("global", "org", "team", "user");
    static final Set<String> FIELDS = Set.of("quota_type", "limit_value", "action", "scope", "target");
    /** The API names the target by its scope's id field; the form has one field for it. */
    static final Map<String, String> ALIASES = Map.of("user_id", "target", "org_id", "target", "team_id", "target");

    public record UsageRow(String type, String used, String limit, String percent, String action, String source,
                           String message, String state) {
    }

    public record QuotaRow(String id, String type, String limit, String action, String scope, String target,
                           String created, String createdBy) {
    }

    /** The create form as typed. */
    public record NewQuotaForm(List<Option> types, String limitValue, List<Option> actions, List<Option> scopes,
                               String target) {
    }

    /** templates/QuotasPage/quotas.html */
    record quotas(Layout layout, List<UsageRow> usage, Boolean canSubmit, List<String> blocking, String usageError,
                  List<QuotaRow> rows, String listError, NewQuotaForm form, FormErrors errors, boolean canEdit,
                  String notice, String actionError) implements TemplateInstance {
    }

    private final Pages pages;
    private final QuotasApi api;

    public QuotasPage(Pages pages, QuotasApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@QueryParam("deleted") String deleted, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return render(visitor, rc, null, FormErrors.NONE, Ids.notice(deleted, id -> "Quota " + id + " was deleted."), null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> create(@RestForm("quota_type") String type, @RestForm("limit_value") String limit,
                                        @RestForm String action, @RestForm String scope, @RestForm String target,
                                        @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                        @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        Typed typed = new Typed(type, limit, action, scope == null || scope.isBlank() ? "global" : scope, target);
        Map<String, String> errors = new LinkedHashMap<>();
        NewQuota quota = typed.build(errors);
        if (!errors.isEmpty()) {
            return render(visitor, rc, typed, FormErrors.local(errors), null, null);
        }
        return Answer.recovering(api.create(Caller.of(rc, visitor), quota)).chain(answer -> answer.fold(
                created -> render(visitor, rc, null, FormErrors.NONE, "Quota " + created.id() + " was created.", null),
                problem -> render(visitor, rc, typed, FormErrors.of(problem, FIELDS, ALIASES), null, null)));
    }

    @GET
    @Path("/{id}/delete")
    public TemplateInstance confirmDelete(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        return new Confirmations.confirm(pages.layout(visitor, Section.QUOTAS, "Delete quota"), "Delete quota " + id + "?",
                "Jobs are no longer held to it from the next submit on.", "/quotas/" + Query.segment(id) + "/delete",
                "confirm-delete", "Yes, delete the quota", "/quotas");
    }

    @POST
    @Path("/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> delete(@PathParam("id") String id, @RestForm(Csrf.FIELD) String csrf,
                                @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return Pages.changed(rc, api.delete(Caller.of(rc, visitor), id), "/quotas" + Query.of().add("deleted", id),
                refusal -> render(visitor, rc, null, FormErrors.NONE, null, "Not deleted: " + refusal));
    }

    /** The create form as typed: the target is the id of the organisation, team or user the scope names. */
    record Typed(String type, String limit, String action, String scope, String target) {

        NewQuota build(Map<String, String> errors) {
            double value = 0;
            try {
                value = Double.parseDouble(limit == null ? "" : limit.trim());
                if (!(value > 0) || Double.isInfinite(value)) {
                    errors.put("limit_value", "must be a number above 0");
                }
            } catch (NumberFormatException e) {
                errors.put("limit_value", "must be a number above 0");
            }
            if (!SCOPES.contains(scope)) {
                errors.put("scope", "choose one of " + String.join(", ", SCOPES));
            }
            String id = target == null || target.isBlank() ? null : target.trim();
            if (!"global".equals(scope) && id == null) {
                errors.put("target", "name the " + scope + " by its id");
            }
            if ("global".equals(scope) && id != null) {
                errors.put("target", "a global quota applies to everyone: leave this empty or choose another scope");
            }
            return new NewQuota(type, value, action, "user".equals(scope) ? id : null, "org".equals(scope) ? id : null,
                    "team".equals(scope) ? id : null);
        }
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, Typed typed, FormErrors errors, String notice,
                                         String actionError) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Shown.of(api.status(caller)), Shown.of(api.list(caller)), Shown.of(api.types(caller)))
                .asTuple().map(t -> {
                    Shown<Status> status = t.getItem1();
                    Shown<QuotaList> list = t.getItem2();
                    Types types = t.getItem3().value();
                    return new quotas(pages.layout(visitor, Section.QUOTAS, "Quotas"),
                            status.map(s -> s.statuses().stream().map(QuotasPage::usage).toList(), List.of()),
                            status.map(Status::can_submit, null),
                            status.map(s -> s.blocking_reasons() == null ? List.<String>of() : s.blocking_reasons(), List.of()),
                            status.error(), list.map(l -> l.quotas().stream().map(QuotasPage::row).toList(), List.of()),
                            list.error() != null ? list.error() : t.getItem3().error(), form(types, typed), errors,
                            visitor.canAdmin(), notice, actionError);
                });
    }

    static NewQuotaForm form(Types types, Typed typed) {
        List<String> typeIds = types == null || types.types() == null ? List.of()
                : types.types().stream().map(QuotasApi.QuotaTypeInfo::id).toList();
        List<String> actions = types == null || types.actions() == null ? List.of("block", "warn", "require_approval")
                : types.actions();
        Typed shown = typed == null ? new Typed(typeIds.isEmpty() ? null : typeIds.get(0), "", "block", "global", "") : typed;
        List<Option> typeOptions = types == null || types.types() == null ? List.of()
                : types.types().stream().map(i -> new Option(i.id(), i.name() + (i.unit() == null ? "" : " (" + i.unit() + ")"),
                        i.id().equals(shown.type()))).toList();
        return new NewQuotaForm(typeOptions, shown.limit() == null ? "" : shown.limit(), Option.of(actions, shown.action()),
                Option.of(SCOPES, shown.scope()), shown.target() == null ? "" : shown.target());
    }

    static UsageRow usage(Usage u) {
        String state = u.is_exceeded() ? "exceeded" : u.is_warning() ? "warning" : "ok";
        return new UsageRow(u.quota_type(), number(u.current()), number(u.limit()),
                u.percent_used() == null ? Formats.NONE : String.format(Locale.ROOT, "%.0f%%", u.percent_used()),
                Formats.text(u.action()), Formats.text(u.source()), Formats.text(u.message()), state);
    }

    static QuotaRow row(Quota q) {
        String target = switch (q.scope() == null ? "global" : q.scope()) {
            case "org" -> q.org_id();
            case "team" -> q.team_id();
            case "user" -> q.user_id();
            default -> null;
        };
        return new QuotaRow(q.id(), q.quota_type(), number(q.limit_value()), q.action(), Formats.text(q.scope()),
                Formats.text(target), Formats.time(q.created_at()), Formats.text(q.created_by()));
    }

    /** 3 as 3, 12.5 as 12.5: quota figures are counts or dollars. */
    static String number(Double value) {
        if (value == null) {
            return Formats.NONE;
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf(value.longValue())
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
