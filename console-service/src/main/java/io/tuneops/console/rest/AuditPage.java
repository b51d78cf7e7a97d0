package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.AuditApi;
import io.tuneops.console.client.AuditApi.Filter;
import io.tuneops.console.client.AuditApi.Verification;
import io.tuneops.console.client.Caller;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Section;
import io.tuneops.console.web.Visitor;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The audit trail: the API's filters, keyset paging, and the hash chain's verification. Admins only. */
@Path("/audit")
@Produces(MediaType.TEXT_HTML)
public class AuditPage {

    static final Set<String> FILTERS = Set.of("event_type", "actor", "actor_ip", "target_type", "target_id", "since",
            "until", "limit", "cursor");

    /** One entry as shown. */
    public record Row(long seq, String time, String type, String actor, String actorIp, String target, String action,
                      String details) {
    }

    /** The result of a verification, in words. */
    public record Verified(boolean valid, String summary, String headHash) {
    }

    /**
     * templates/AuditPage/audit.html. {@code verifyErrors} are about from/to; {@code errors} about the filters
     * (or, in general, why the trail could not be read).
     */
    record audit(Layout layout, Filter filter, List<Option> types, List<Row> rows, long total, String nextHref,
                 FormErrors errors, String verifyFrom, String verifyTo, Verified verified, FormErrors verifyErrors)
            implements TemplateInstance {
    }

    private final Pages pages;
    private final AuditApi api;

    public AuditPage(Pages pages, AuditApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@QueryParam("event_type") String type, @QueryParam("actor") String actor,
                                      @QueryParam("actor_ip") String actorIp, @QueryParam("target_type") String targetType,
                                      @QueryParam("target_id") String targetId, @QueryParam("since") String since,
                                      @QueryParam("until") String until, @QueryParam("limit") String limit,
                                      @QueryParam("cursor") String cursor, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Filter filter = new Filter(type == null || type.isBlank() ? List.of() : List.of(type), actor, actorIp, targetType,
                targetId, since, until, limit, cursor);
        return render(visitor, rc, filter, null, null, null);
    }

    @GET
    @Path("/verify")
    public Uni<TemplateInstance> verify(@QueryParam("from") String from, @QueryParam("to") String to,
                                        @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Filter filter = new Filter(List.of(), null, null, null, null, null, null, null, null);
        return Answer.recovering(api.verify(Caller.of(rc, visitor), from, to))
                .chain(answer -> render(visitor, rc, filter, from, to, answer));
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, Filter filter, String from, String to,
                                         Answer<Verification> verification) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Answer.recovering(api.query(caller, filter)), Answer.recovering(api.types(caller)))
                .asTuple().map(t -> {
                    AuditApi.Page page = t.getItem1().valueOrNull();
                    FormErrors errors = t.getItem1().fold(p -> FormErrors.NONE,
                            problem -> FormErrors.of(problem, FILTERS, Map.of()));
                    List<String> typeNames = t.getItem2().valueOrNull() == null ? List.of()
                            : t.getItem2().valueOrNull().types().stream().map(AuditApi.EventType::type).toList();
                    String chosenType = filter.event_type().isEmpty() ? null : filter.event_type().get(0);
                    List<Row> rows = page == null ? List.of() : page.entries().stream().map(AuditPage::row).toList();
                    String next = page == null || page.next_cursor() == null ? null : "/audit" + new Filter(filter.event_type(),
                            filter.actor(), filter.actor_ip(), filter.target_type(), filter.target_id(), filter.since(),
                            filter.until(), filter.limit(), page.next_cursor()).query();
                    Verified verified = verification == null ? null : verification.fold(AuditPage::verified, p -> null);
                    FormErrors verifyErrors = verification == null ? FormErrors.NONE : verification.fold(v -> FormErrors.NONE,
                            problem -> FormErrors.of(problem, Set.of("from", "to"), Map.of()));
                    return new audit(pages.layout(visitor, Section.AUDIT, "Audit"), filter,
                            Option.withAny("Any type", typeNames, chosenType), rows, page == null ? 0 : page.total(), next,
                            errors, from, to, verified, verifyErrors);
                });
    }

    static Row row(AuditApi.Entry e) {
        String target = e.target_type() == null ? Formats.NONE
                : e.target_type() + (e.target_id() == null ? "" : " " + e.target_id());
        return new Row(e.seq(), Formats.time(e.time()), e.type(), Formats.text(e.actor()), Formats.text(e.actor_ip()), target,
                Formats.text(e.action()), e.details() == null || e.details().isNull() ? "" : e.details().toString());
    }

    static Verified verified(Verification v) {
        if (v.valid()) {
            return new Verified(true, "The chain is intact: " + v.entries_checked() + " entries checked (sequence "
                    + v.from_seq() + " to " + v.to_seq() + ").", v.head_hash());
        }
        String broken = v.first_broken_link() == null ? "" : " The first broken link is at sequence "
                + v.first_broken_link().seq() + ": " + v.first_broken_link().reason() + ".";
        return new Verified(false, "The chain is broken." + broken + " " + v.entries_checked() + " entries checked.",
                v.head_hash());
    }
}
