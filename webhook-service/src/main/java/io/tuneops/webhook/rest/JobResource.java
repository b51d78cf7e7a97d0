package io.tuneops.webhook.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.CancelOutcome;
import io.tuneops.webhook.service.DeleteOutcome;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.JobCursor;
import io.tuneops.webhook.service.JobService;
import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.SubmitOutcome;
import io.tuneops.webhook.service.SubmitRequest;
import io.tuneops.webhook.service.UploadCredentials;
import io.tuneops.webhook.service.UploadProgress;
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
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/** Jobs. Access (viewer reads, operator submits/cancels/deletes) is enforced by the gateway and again by CallerAccess. */
@Path("/api/cloud/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class JobResource {

    private static final Logger LOG = Logger.getLogger(JobResource.class);
    private static final int MAX_LIMIT = 500;

    private final JobService jobs;

    public JobResource(JobService jobs) {
        this.jobs = jobs;
    }

    /**
     * The answer to a new job: its upload credentials appear here, once. A job held for approval
     * (status pending_approval) names its approval request and why it waits; its credentials work
     * from its release on.
     */
    public record SubmittedJob(@Schema(description = "Always true: the original tool's client checks it") boolean success,
                               String job_id, JobStatus status, Provider provider, String provider_job_id,
                               UploadCredentials.Issued upload_credentials,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String cost_limit_warning,
                               @Schema(description = "Quotas exceeded with the warn action, and quotas nearly reached")
                               List<String> quota_warnings,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String approval_request_id,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String approval_reason, JobView job) {
    }

    /** The answer to a retried submit (same idempotency key): the earlier job, without credentials. */
    public record ReplayedJob(@Schema(description = "Always true: the original tool's client checks it") boolean success,
                              String job_id, JobStatus status, boolean idempotent_replay,
                              @Schema(description = "The original tool's name for idempotent_replay") boolean idempotent_hit,
                              JobView job) {
    }

    /** The {@code {"detail": ...}} error shape, with the job it concerns. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobError(String detail, String job_id, JobStatus status, JobView job) {
    }

    public record JobList(List<JobView> jobs, long total, int limit, int offset, String next_cursor) {
    }

    /** A job read on its own: its fields, and the same job under {@code job} as the original tool's client reads it. */
    public record ReadJob(@JsonUnwrapped JobView view, JobView job) {
    }

    /** A cancelled job, with the original tool's {@code success}. */
    public record CancelledJob(boolean success, @JsonUnwrapped JobView job) {
    }

    /** The original tool's answer to a deletion. */
    public record DeletedJob(boolean success, String job_id) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job (alias)")  // described as /submit by RouteDocumentation
    public Uni<Response> create(JsonObject body, @QueryParam("provider") String provider, @Context RoutingContext rc) {
        return submit(body, provider, rc);
    }

    @POST
    @Path("/submit")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job", description = "Checks the quotas of the caller, their team and organisation "
            + "and the approval rules, stores the job, issues its upload credentials and hands it to its provider "
            + "(Replicate: a training with tuneops' webhook); a job that needs approval waits as pending_approval.")
    @RequestBody(content = @Content(schema = @Schema(implementation = JobSubmission.class)))
    @APIResponse(responseCode = "201", description = "Job created; the upload credentials are shown this once",
            content = @Content(schema = @Schema(implementation = SubmittedJob.class)))
    @APIResponse(responseCode = "202", description = "Held for approval: stored as pending_approval with an approval "
            + "request, not sent to the provider; its upload credentials (shown this once) work from its release",
            content = @Content(schema = @Schema(implementation = SubmittedJob.class)))
    @APIResponse(responseCode = "200", description = "A retry with an idempotency_key already used: the earlier job",
            content = @Content(schema = @Schema(implementation = ReplayedJob.class)))
    @APIResponse(responseCode = "400", description = "Invalid job: every wrong field is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "403", description = "A blocking quota or cost limit refused it (nothing stored; the "
            + "detail names the quota and its scope), or team_id is not one of the caller's teams",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "502", description = "The provider did not take the job; it is recorded as failed",
            content = @Content(schema = @Schema(implementation = JobError.class)))
    public Uni<Response> submit(JsonObject body,
                                @Parameter(description = "replicate (default) or generic; wins over the body's provider")
                                @QueryParam("provider") String provider, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON object describing the job is required"));
        }
        if (body.encode().contains("\\u0000")) {
            return bad("The job contains NUL characters, which cannot be stored");
        }
        SubmitRequest.Parsed parsed = SubmitRequest.parse(body, provider);
        if (!parsed.errors().isEmpty()) {
            LOG.infof("job submission refused: %s", parsed.errors().stream().map(FieldError::field).toList());
            return Uni.createFrom().item(Response.status(400).entity(new ValidationError("Invalid job", parsed.errors())).build());
        }
        VouchedCaller caller = VouchedCaller.of(rc);
        String team = parsed.request().teamId();
        if (team != null && !caller.memberOf(team)) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "team_id '" + shown(team)
                    + "' is not one of your teams; leave it out to charge your first team"));
        }
        return jobs.submit(parsed.request(), caller.submitter(team != null ? team : caller.defaultTeam()), caller.clientIp())
                .map(outcome -> outcome.accept(SUBMITTED))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("job submission not completed: %s", e.toString());
                    return JsonErrorMappers.json(503, "The job could not be recorded; retry with the same idempotency_key");
                });
    }

    private static final SubmitOutcome.Cases<Response> SUBMITTED = new SubmitOutcome.Cases<>() {
        @Override
        public Response created(SubmitOutcome.Created c) {
            return Response.status(201).entity(new SubmittedJob(true, c.job().jobId(), c.job().status(), c.job().provider(),
                    c.job().providerJobId(), c.credentials(), c.job().costLimitWarning(), c.quotaWarnings(), null, null,
                    JobView.of(c.job(), UploadProgress.NONE))).build();
        }

        @Override
        public Response held(SubmitOutcome.Held h) {
            return Response.status(202).entity(new SubmittedJob(true, h.job().jobId(), h.job().status(), h.job().provider(),
                    h.job().providerJobId(), h.credentials(), h.job().costLimitWarning(), h.quotaWarnings(),
                    h.approvalRequestId(), h.reason(), JobView.of(h.job(), UploadProgress.NONE))).build();
        }

        @Override
        public Response replayed(SubmitOutcome.Replayed r) {
            return Response.ok(new ReplayedJob(true, r.job().jobId(), r.job().status(), true, true,
                    JobView.of(r.job(), UploadProgress.NONE))).build();
        }

        @Override
        public Response blocked(SubmitOutcome.Blocked b) {
            return JsonErrorMappers.json(403, b.reason());
        }

        @Override
        public Response providerFailed(SubmitOutcome.ProviderFailed f) {
            return Response.status(502).entity(new JobError(f.reason(), f.job().jobId(), f.job().status(), null)).build();
        }
    };

    @GET
    @Operation(summary = "List jobs", description = "Newest first, filtered by status and provider; page with the "
            + "cursor of the previous page (next_cursor) or with offset.")
    @APIResponse(responseCode = "200", description = "One page of jobs",
            content = @Content(schema = @Schema(implementation = JobList.class)))
    @APIResponse(responseCode = "400", description = "A filter or paging parameter is invalid",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> list(@Parameter(description = "pending_approval, pending, queued, running, completed, failed or cancelled")
                              @QueryParam("status") String status,
                              @Parameter(description = "replicate or generic") @QueryParam("provider") String provider,
                              @Parameter(description = "1 to 500, default 50") @QueryParam("limit") String limitParam,
                              @Parameter(description = "0 to 1000000, default 0; ignored with a cursor")
                              @QueryParam("offset") String offsetParam,
                              @Parameter(description = "next_cursor of the previous page") @QueryParam("cursor") String cursorParam) {
        Optional<JobStatus> statusFilter = Optional.ofNullable(status).flatMap(JobStatus::fromWire);
        if (status != null && statusFilter.isEmpty()) {
            return bad("status must be one of pending_approval, pending, queued, running, completed, failed, cancelled");
        }
        Optional<Provider> providerFilter = Optional.ofNullable(provider).flatMap(Provider::fromWire);
        if (provider != null && providerFilter.isEmpty()) {
            return bad("provider must be one of " + String.join(", ", Provider.wireNames()));
        }
        Optional<Paging> paging = Paging.of(limitParam, offsetParam, MAX_LIMIT);
        if (paging.isEmpty()) {
            return bad(Paging.rule(MAX_LIMIT));
        }
        int limit = paging.get().limit();
        Optional<JobCursor> cursor;
        try {
            cursor = Optional.ofNullable(cursorParam).map(JobCursor::decode);
        } catch (IllegalArgumentException e) {
            return bad("cursor is not one this service issued");
        }
        return jobs.list(statusFilter, providerFilter, limit, paging.get().offset(), cursor)
                .map(page -> Response.ok(new JobList(page.jobs().stream()
                        .map(d -> JobView.of(d.job(), d.uploads().orElse(null))).toList(),
                        page.total(), limit, page.offset(), page.nextCursor())).build());
    }

    @GET
    @Path("/{job_id}")
    @Operation(summary = "Read a job", description = "With what its upload credentials have stored so far "
            + "(upload_progress, null when that is unavailable).")
    @APIResponse(responseCode = "200", description = "The job; the same under job",
            content = @Content(schema = @Schema(implementation = ReadJob.class)))
    @APIResponse(responseCode = "404", description = "No such job",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@PathParam("job_id") String jobId) {
        return jobs.findWithUploads(jobId).map(found -> found
                .map(detail -> {
                    JobView view = JobView.of(detail.job(), detail.uploads().orElse(null));
                    return Response.ok(new ReadJob(view, view)).build();
                })
                .orElseGet(() -> notFound(jobId)));
    }

    @POST
    @Path("/{job_id}/cancel")
    @Operation(summary = "Cancel a job", description = "Cancels it at its provider too; a job waiting for approval "
            + "never reached one, and its approval request is cancelled with it.")
    @APIResponse(responseCode = "200", description = "The cancelled job, with success true",
            content = @Content(schema = @Schema(implementation = CancelledJob.class)))
    @APIResponse(responseCode = "404", description = "No such job",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "A job held for approval, cancelled by neither its submitter nor someone"
            + " with the role its approval request needs",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "The job has already finished",
            content = @Content(schema = @Schema(implementation = JobError.class)))
    @APIResponse(responseCode = "502", description = "The provider could not be told; the job is unchanged",
            content = @Content(schema = @Schema(implementation = JobError.class)))
    public Uni<Response> cancel(@PathParam("job_id") String jobId, @Context RoutingContext rc) {
        // a job held for approval is cancelled by whoever may cancel its approval request (the submitter, or the role it needs)
        VouchedCaller caller = VouchedCaller.of(rc);
        return jobs.cancel(jobId, caller.submitter(null), caller.clientIp()).map(outcome -> outcome.accept(CANCELLED));
    }

    private static final CancelOutcome.Cases<Response> CANCELLED = new CancelOutcome.Cases<>() {
        @Override
        public Response cancelled(CancelOutcome.Cancelled c) {
            return Response.ok(new CancelledJob(true, JobView.of(c.job(), null))).build();
        }

        @Override
        public Response notCancellable(CancelOutcome.NotCancellable n) {
            return Response.status(409).entity(new JobError("Job " + n.job().jobId() + " is " + n.job().status().wire()
                    + " and can no longer be cancelled", null, n.job().status(), JobView.of(n.job(), null))).build();
        }

        @Override
        public Response notFound(CancelOutcome.NotFound n) {
            return JobResource.notFound(n.jobId());
        }

        @Override
        public Response cancelFailed(CancelOutcome.CancelFailed f) {
            return Response.status(502).entity(new JobError("Not cancelled: " + f.reason(), null, f.job().status(), null))
                    .build();
        }
    };

    @DELETE
    @Path("/{job_id}")
    @Operation(summary = "Delete a finished job", description = "Only completed, failed or cancelled jobs.")
    @APIResponse(responseCode = "200", description = "Deleted",
            content = @Content(schema = @Schema(implementation = DeletedJob.class)))
    @APIResponse(responseCode = "404", description = "No such job",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "The job is still going: cancel it first",
            content = @Content(schema = @Schema(implementation = JobError.class)))
    public Uni<Response> delete(@PathParam("job_id") String jobId, @Context RoutingContext rc) {
        Caller caller = Caller.of(rc);
        return jobs.delete(jobId, caller.actor(), caller.clientIp()).map(outcome -> outcome.accept(DELETED));
    }

    private static final DeleteOutcome.Cases<Response> DELETED = new DeleteOutcome.Cases<>() {
        @Override
        public Response deleted(DeleteOutcome.Deleted d) {
            return Response.ok(new DeletedJob(true, d.jobId())).build();
        }

        @Override
        public Response notFinished(DeleteOutcome.NotFinished n) {
            return Response.status(409).entity(new JobError("Job " + n.job().jobId() + " is " + n.job().status().wire()
                    + "; only finished jobs can be deleted (cancel it first)", null, n.job().status(), null)).build();
        }

        @Override
        public Response notFound(DeleteOutcome.NotFound n) {
            return JobResource.notFound(n.jobId());
        }
    };

    /** The 404 every jobs route answers for a job it does not know. */
    static Response notFound(String jobId) {
        return JsonErrorMappers.json(404, "Job '" + shown(jobId) + "' not found");
    }

    private static String shown(String id) {
        return id.length() > 64 ? id.substring(0, 64) + "..." : id;
    }

    private static Uni<Response> bad(String detail) {
        return Uni.createFrom().item(JsonErrorMappers.json(400, detail));
    }
}
