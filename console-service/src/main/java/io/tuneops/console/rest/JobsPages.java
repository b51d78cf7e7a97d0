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
import io.tuneops.console.web.Ids;
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
 * The jobs list (live: its rows, with the count and the pager, are an htmx fragment polled every
 * second), a job's page (its fields, log tail and outputs, live until it finishes or is deleted),
 * and cancelling or deleting a job.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class JobsPages {

    /** The list's filters as chosen, with their options. */
    public record Filters(String status, String provider, List<Option> statuses, List<Option> providers) {
    }

    /** @param nextHref null on the last page; @param firstHref null on the first */
    public record Pager(String firstHref, String nextHref) {
    }

    /**
     * The rows, the count and the pager as of one listing, and what polls them: {@code rowsUrl} is
     * the fragment URL with the same filters and page, {@code error} replaces the rows while
     * webhook-service is unavailable. {@code polled}: this answers a poll, so the count and the
     * pager go out of band next to the rows (they sit outside the table body htmx replaces).
     */
    public record JobTable(List<JobRow> rows, long total, Pager pager, String rowsUrl, String trigger, String error,
                           boolean polled) {
        public boolean empty() {
            return rows.isEmpty() && error == null;
        }
    }

    /** templates/JobsPages/jobs.html */
    record jobs(Layout layout, Filters filters, JobTable table, String notice) implements TemplateInstance {
    }

    /**
     * Fragment {@code poll} of jobs.html: the rows with the count and the pager of the same listing,
     * so that "Next page" always starts after the last row shown and a list that grows offers it.
     */
    record jobs$poll(JobTable table) implements TemplateInstance {
    }

    /** A job's outputs, or why they cannot be listed. */
    public record Output(String name, String size, String modified, String href) {
    }

    public record Outputs(List<Output> items, boolean truncated, String error) {
    }

    /**
     * The live part of a job's page, with the actions this visitor may take; {@code trigger} is
     * null once the job has finished (nothing changes any more). {@code liveUrl} names the log it
     * shows, so a poll sends the log box along ({@code logUpdate}) only when the log changed: an
     * unchanged box keeps its scroll position and the reader's selection.
     */
    public record JobLive(JobDetail job, String liveUrl, String trigger, boolean canOperate, String actionError,
                          boolean logUpdate) {
    }

    /** templates/JobsPages/job.html */
    record job(Layout layout, JobLive live, Outputs outputs) implements TemplateInstance {
    }

    /** Fragment {@code live} of job.html, for polling. */
    record job$live(JobLive live) implements TemplateInstance {
    }

    /** templates/JobsPages/jobGone.html: what a job's page shows once the job was deleted elsewhere. */
    record jobGone(String jobId) implements TemplateInstance {
    }

    /** htmx stops polling an element whose poll is answered with this status (and swaps the answer in). */
    static final int STOP_POLLING = 286;

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
        Filters filters = new Filters(status, provider, Option.withAny("Any status", JobViews.STATUSES, status),
                Option.withAny("Any provider", JobViews.PROVIDERS, provider));
        String notice = Ids.notice(deleted, id -> "Job " + id + " was deleted.");
        return table(visitor, rc, status, provider, cursor, limit, false)
                .map(table -> new jobs(pages.layout(visitor, Section.JOBS, "Jobs"), filters, table, notice));
    }

    @GET
    @Path("jobs/rows")
    public Uni<TemplateInstance> rows(@QueryParam("status") String status, @QueryParam("provider") String provider,
                                      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit,
                                      @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return table(visitor, rc, status, provider, cursor, limit, true).map(jobs$poll::new);
    }

    /**
     * One listing: its rows, its count and its pager together, so that each poll brings all three
     * up to date (a pager computed once would skip the jobs that arrived since).
     */
    private Uni<JobTable> table(Visitor visitor, RoutingContext rc, String status, String provider, String cursor,
                                String limit, boolean polled) {
        int pageSize = pageSize(limit);
        String rowsUrl = listUrl("/jobs/rows", status, provider, cursor, pageSize == config.jobsPageSize() ? null
                : String.valueOf(pageSize));
        String trigger = "every " + config.refreshSeconds() + "s";
        String first = cursor == null ? null : listUrl("/jobs", status, provider, null, limit);
        return jobsApi.list(Caller.of(rc, visitor), status, provider, pageSize, cursor)
                .map(answer -> answer.fold(
                        list -> new JobTable(JobViews.rows(list.jobs()), list.total(), new Pager(first,
                                list.next_cursor() == null ? null : listUrl("/jobs", status, provider, list.next_cursor(), limit)),
                                rowsUrl, trigger, null, polled),
                        problem -> new JobTable(List.of(), 0, new Pager(first, null), rowsUrl, trigger, problem.detail(), polled)))
                .onFailure(OwnerUnavailable.class).recoverWithItem(e ->
                        new JobTable(List.of(), 0, new Pager(first, null), rowsUrl, trigger, e.getMessage(), polled));
    }

    @GET
    @Path("jobs/{id}")
    public Uni<TemplateInstance> job(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return jobPage(visitor, rc, id, null);
    }

    /**
     * A poll of a job's page ({@code log}: the version of the log the page shows). Once the job
     * has finished nothing changes any more, and once it is gone (deleted elsewhere) asking again
     * would only be refused: either answer stops the polling.
     */
    @GET
    @Path("jobs/{id}/live")
    public Uni<Response> live(@PathParam("id") String id, @QueryParam("log") String logShown, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return jobsApi.get(Caller.of(rc, visitor), id).map(answer -> {
            if (answer.status() == 404) {
                return Response.status(STOP_POLLING).entity(new jobGone(id)).build();
            }
            // a poll naming no log version is sent the log
            JobLive live = live(visitor, id, answer, null, logShown == null ? "" : logShown);
            return Response.status(live.job().finished() ? STOP_POLLING : Response.Status.OK.getStatusCode())
                    .entity(new job$live(live)).build();
        });
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
            JobLive live = live(visitor, id, t.getItem1(), actionError, null);
            return new job(pages.layout(visitor, Section.JOBS, "Job " + live.job().title()), live, t.getItem2());
        });
    }

    /** @param logShown the log version a polling page shows; null for a whole page, which shows the log anyway */
    private JobLive live(Visitor visitor, String id, Answer<JobsApi.Job> answer, String actionError, String logShown) {
        JobsApi.Job found = answer.fold(j -> j, problem -> {
            throw answer.status() == 404 ? Refused.notFound(visitor, problem.detail())
                    : Refused.owner(visitor, problem.detail());
        });
        JobDetail detail = JobViews.detail(found);
        String logVersion = JobViews.logVersion(detail.logs());
        String liveUrl = "/jobs/" + Query.segment(id) + "/live" + Query.of().add("log", logVersion);
        return new JobLive(detail, liveUrl, detail.finished() ? null : "every " + config.refreshSeconds() + "s",
                visitor.canOperate(), actionError, logShown != null && !logShown.equals(logVersion));
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
