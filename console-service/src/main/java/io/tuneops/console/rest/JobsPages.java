package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.JobsApi;
import io.tuneops.console.client.OwnerUnavailable;
import io.tuneops.console.client.Query;
import io.tuneops.console.client.StorageApi;
import io.tuneops.console.config.ConsoleConfig;
import io.tuneops.console.service.Formats;
import io.tuneops.console.service.JobViews;
import io.tuneops.console.service.JobViews.JobDetail;
import io.tuneops.console.service.JobViews.JobRow;
import io.tuneops.console.web.Confirmations;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Refused;
import io.tuneops.console.web.Section;
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

import java.util.List;
import java.util.Locale;

/**
 * The jobs list (live: its rows are an htmx fragment polled every second), a job's page (its
 * fields, log tail and outputs, live until it finishes), and cancelling or deleting a job.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class JobsPages {

    /** The list's filters as chosen, with their options. */
    public record Filters(String status, String provider, List<Option> statuses, List<Option> providers) {
    }

    /**
     * The rows and what polls them: {@code rowsUrl} is the fragment URL with the same filters and
     * page, {@code error} replaces the rows while webhook-service is unavailable.
     */
    public record JobTable(List<JobRow> rows, long total, String rowsUrl, String trigger, String error) {
        public boolean empty() {
            return rows.isEmpty() && error == null;
        }
    }

    /** @param nextHref null on the last page; @param firstHref null on the first */
    public record Pager(String firstHref, String nextHref) {
    }

    /** templates/JobsPages/jobs.html */
    record jobs(Layout layout, Filters filters, JobTable table, Pager pager, String notice) implements TemplateInstance {
    }

    /** The rows alone, fragment {@code rows} of jobs.html, for polling. */
    record jobs$rows(JobTable table) implements TemplateInstance {
    }

    /** A job's outputs, or why they cannot be listed. */
    public record Output(String name, String size, String modified, String href) {
    }

    public record Outputs(List<Output> items, boolean truncated, String error) {
    }

    /**
     * The live part of a job's page, with the actions this visitor may take; {@code trigger} is
     * null once the job has finished (nothing changes any more).
     */
    public record JobLive(JobDetail job, String liveUrl, String trigger, boolean canOperate, String actionError) {
    }

    /** templates/JobsPages/job.html */
    record job(Layout layout, JobLive live, Outputs outputs) implements TemplateInstance {
    }

    /** Fragment {@code live} of job.html, for polling. */
    record job$live(JobLive live) implements TemplateInstance {
    }

    private final Pages pages;
    private final JobsApi jobsApi;
    private final StorageApi storage;
    private final ConsoleConfig config;

    public JobsPages(Pages pages, JobsApi jobsApi, StorageApi storage, ConsoleConfig config) {
        this.pages = pages;
        this.jobsApi = jobsApi;
        this.storage = storage;
        this.config = config;
    }

    @GET
    public Response home() {
        return Pages.redirect("/jobs");
    }

    @GET
    @Path("jobs")
    public Uni<TemplateInstance> list(@QueryParam("status") String status, @QueryParam("provider") String provider,
                                      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit,
                                      @QueryParam("deleted") String deleted, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        int pageSize = pageSize(limit);
        Filters filters = new Filters(status, provider, Option.withAny("Any status", JobViews.STATUSES, status),
                Option.withAny("Any provider", JobViews.PROVIDERS, provider));
        String notice = deleted == null ? null : "Job " + deleted + " was deleted.";
        return table(visitor, rc, status, provider, cursor, pageSize).map(result -> {
            String first = cursor == null ? null : listUrl("/jobs", status, provider, null, limit);
            String next = result.nextCursor() == null ? null : listUrl("/jobs", status, provider, result.nextCursor(), limit);
            return new jobs(pages.layout(visitor, Section.JOBS, "Jobs"), filters, result.table(), new Pager(first, next),
                    notice);
        });
    }

    @GET
    @Path("jobs/rows")
    public Uni<TemplateInstance> rows(@QueryParam("status") String status, @QueryParam("provider") String provider,
                                      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit,
                                      @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return table(visitor, rc, status, provider, cursor, pageSize(limit)).map(result -> new jobs$rows(result.table()));
    }

    private record Listed(JobTable table, String nextCursor) {
    }

    private Uni<Listed> table(Visitor visitor, RoutingContext rc, String status, String provider, String cursor,
                              int pageSize) {
        String rowsUrl = listUrl("/jobs/rows", status, provider, cursor, pageSize == config.jobsPageSize() ? null
                : String.valueOf(pageSize));
        String trigger = "every " + config.refreshSeconds() + "s";
        return jobsApi.list(Caller.of(rc, visitor), status, provider, pageSize, cursor)
                .map(answer -> answer.fold(
                        list -> new Listed(new JobTable(JobViews.rows(list.jobs()), list.total(), rowsUrl, trigger, null),
                                list.next_cursor()),
                        problem -> new Listed(new JobTable(List.of(), 0, rowsUrl, trigger, problem.detail()), null)))
                .onFailure(OwnerUnavailable.class).recoverWithItem(e ->
                        new Listed(new JobTable(List.of(), 0, rowsUrl, trigger, e.getMessage()), null));
    }

    @GET
    @Path("jobs/{id}")
    public Uni<TemplateInstance> job(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return jobPage(visitor, rc, id, null);
    }

    @GET
    @Path("jobs/{id}/live")
    public Uni<TemplateInstance> live(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return jobsApi.get(Caller.of(rc, visitor), id).map(answer -> new job$live(live(visitor, id, answer, null)));
    }

    private Uni<TemplateInstance> jobPage(Visitor visitor, RoutingContext rc, String id, String actionError) {
        Caller caller = Caller.of(rc, visitor);
        Uni<Outputs> outputs = storage.outputs(caller, id)
                .map(answer -> answer.fold(
                        listing -> new Outputs(listing.objects().stream().map(o -> new Output(
                                o.key().startsWith(id + "/") ? o.key().substring(id.length() + 1) : o.key(),
                                Formats.bytes(o.size()), Formats.time(o.last_modified()), storage.downloadPath(o.key())))
                                .toList(), listing.truncated(), null),
                        problem -> new Outputs(List.of(), false, problem.detail())))
                .onFailure(OwnerUnavailable.class).recoverWithItem(e -> new Outputs(List.of(), false, e.getMessage()));
        return Uni.combine().all().unis(jobsApi.get(caller, id), outputs).asTuple().map(t -> {
            JobLive live = live(visitor, id, t.getItem1(), actionError);
            return new job(pages.layout(visitor, Section.JOBS, "Job " + live.job().title()), live, t.getItem2());
        });
    }

    private JobLive live(Visitor visitor, String id, Answer<JobsApi.Job> answer, String actionError) {
        JobsApi.Job found = answer.fold(j -> j, problem -> {
            throw answer.status() == 404 ? Refused.notFound(visitor, problem.detail())
                    : Refused.owner(visitor, problem.detail());
        });
        JobDetail detail = JobViews.detail(found);
        String liveUrl = "/jobs/" + Query.segment(id) + "/live";
        return new JobLive(detail, liveUrl, detail.finished() ? null : "every " + config.refreshSeconds() + "s",
                visitor.canOperate(), actionError);
    }

    /** What may be done to a job from its page, each behind a confirmation. */
    enum JobAction {
        CANCEL("cancel", "Cancel", "The job is cancelled at its provider too. This cannot be undone.", "Not cancelled: "),
        DELETE("delete", "Delete", "The job and its record are removed; its uploaded outputs stay in storage.",
                "Not deleted: ");

        final String path;
        final String verb;
        final String consequence;
        final String refusal;

        JobAction(String path, String verb, String consequence, String refusal) {
            this.path = path;
            this.verb = verb;
            this.consequence = consequence;
            this.refusal = refusal;
        }

        static JobAction of(String path) {
            return "cancel".equals(path) ? CANCEL : DELETE;
        }
    }

    /** Without JavaScript the action's form leads here; with it, htmx asks (hx-confirm) and posts directly. */
    @GET
    @Path("jobs/{id}/{action: cancel|delete}")
    public TemplateInstance confirm(@PathParam("id") String id, @PathParam("action") String actionPath,
                                    @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        JobAction action = JobAction.of(actionPath);
        String job = "/jobs/" + Query.segment(id);
        return new Confirmations.confirm(pages.layout(visitor, Section.JOBS, action.verb + " job"),
                action.verb + " job " + id + "?", action.consequence, job + "/" + action.path, "confirm-" + action.path,
                "Yes, " + action.verb.toLowerCase(Locale.ROOT) + " the job", job);
    }

    /** Cancelled: back to the job's page. Deleted: to the list, saying so. Refused: the job's page with why. */
    @POST
    @Path("jobs/{id}/{action: cancel|delete}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> act(@PathParam("id") String id, @PathParam("action") String actionPath,
                             @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                             @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        Csrf.require(visitor, csrf, csrfHeader);
        JobAction action = JobAction.of(actionPath);
        Caller caller = Caller.of(rc, visitor);
        Uni<Answer<?>> done = action == JobAction.CANCEL ? jobsApi.cancel(caller, id).map(a -> a)
                : jobsApi.delete(caller, id).map(a -> a);
        String after = action == JobAction.CANCEL ? "/jobs/" + Query.segment(id) : "/jobs" + Query.of().add("deleted", id);
        return done.chain(answer -> answer.fold(
                ok -> Uni.createFrom().item(Pages.seeOther(rc, after)),
                problem -> rerender(visitor, rc, id, action.refusal + problem.detail())));
    }

    /** The job's page with the refusal next to its actions (200: the page itself is fine, and htmx swaps it in). */
    private Uni<Response> rerender(Visitor visitor, RoutingContext rc, String id, String error) {
        return jobPage(visitor, rc, id, error).map(page -> Response.ok(page).build());
    }

    private int pageSize(String limit) {
        if (limit != null) {
            try {
                int n = Integer.parseInt(limit.trim());
                if (n >= 1 && n <= 500) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the default below
            }
        }
        return config.jobsPageSize();
    }

    private static String listUrl(String path, String status, String provider, String cursor, String limit) {
        return path + Query.of().add("status", status).add("provider", provider).add("limit", limit).add("cursor", cursor);
    }
}
