package io.tuneops.webhook.rest;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.service.JobService;
import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.ProviderConfigService;
import io.tuneops.webhook.service.SubmitRequest;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Jobs. Access (viewer reads, operator submits/cancels/deletes) is enforced by the gateway. */
@Path("/api/cloud/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    public static final String UPLOAD_PROGRESS_PREFIX = "tuneops:upload-progress:";

    private final JobService jobs;
    private final JobRepository repository;
    private final ReactiveRedisDataSource redis;

    public JobResource(JobService jobs, JobRepository repository, ReactiveRedisDataSource redis) {
        this.jobs = jobs;
        this.repository = repository;
        this.redis = redis;
    }

    public record ValidationError(String detail, List<SubmitRequest.FieldError> errors) {
    }

    public record JobList(List<JobView> jobs, long total, int limit, int offset, String next_cursor) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(JsonObject body, @QueryParam("provider") String provider, RoutingContext rc) {
        return submit(body, provider, rc);
    }

    @POST
    @Path("/submit")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(JsonObject body, @QueryParam("provider") String provider, RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON object describing the job is required"));
        }
        if (body.encode().contains("\\u0000")) {
            return bad("The job contains NUL characters, which cannot be stored");
        }
        SubmitRequest.Parsed parsed = SubmitRequest.parse(body, provider);
        if (!parsed.errors().isEmpty()) {
            org.jboss.logging.Logger.getLogger(JobResource.class).infof("job submission refused: %s",
                    parsed.errors().stream().map(SubmitRequest.FieldError::field).toList());
            return Uni.createFrom().item(Response.status(400).entity(new ValidationError("Invalid job", parsed.errors())).build());
        }
        Caller caller = Caller.of(rc);
        return jobs.submit(parsed.request(), caller.actor(), caller.clientIp()).map(JobResource::submitted)
                .onFailure().recoverWithItem(e -> {
                    org.jboss.logging.Logger.getLogger(JobResource.class).warnf("job submission not completed: %s", e.toString());
                    return JsonErrorMappers.json(503, "The job could not be recorded; retry with the same idempotency_key");
                });
    }

    private static Response submitted(JobService.SubmitOutcome outcome) {
        if (outcome instanceof JobService.Created c) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("job_id", c.job().jobId());
            answer.put("status", c.job().status());
            answer.put("provider", c.job().provider());
            answer.put("provider_job_id", c.job().providerJobId());
            answer.put("upload_credentials", c.credentials());
            if (c.job().costLimitWarning() != null) {
                answer.put("cost_limit_warning", c.job().costLimitWarning());
            }
            answer.put("job", JobView.of(c.job(), JobView.UploadProgress.NONE));
            return Response.status(201).entity(answer).build();
        }
        if (outcome instanceof JobService.Replayed r) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("job_id", r.job().jobId());
            answer.put("status", r.job().status());
            answer.put("idempotent_replay", true);
            answer.put("job", JobView.of(r.job(), JobView.UploadProgress.NONE));
            return Response.ok(answer).build();
        }
        if (outcome instanceof JobService.Blocked b) {
            return JsonErrorMappers.json(403, b.reason());
        }
        JobService.ProviderFailed f = (JobService.ProviderFailed) outcome;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("detail", f.reason());
        answer.put("job_id", f.job().jobId());
        answer.put("status", f.job().status());
        return Response.status(502).entity(answer).build();
    }

    @GET
    public Uni<Response> list(@QueryParam("status") String status, @QueryParam("provider") String provider,
                              @QueryParam("limit") String limitParam, @QueryParam("offset") String offsetParam,
                              @QueryParam("cursor") String cursorParam) {
        if (status != null && JobStatus.fromWire(status).isEmpty()) {
            return bad("status must be one of pending, queued, running, completed, failed, cancelled");
        }
        if (provider != null && !ProviderConfigService.PROVIDERS.contains(provider)) {
            return bad("provider must be one of " + String.join(", ", ProviderConfigService.PROVIDERS));
        }
        Integer limit = number(limitParam, 50, 1, 500);
        Integer offset = number(offsetParam, 0, 0, 1_000_000);
        if (limit == null || offset == null) {
            return bad("limit must be 1 to 500 and offset 0 to 1000000");
        }
        Optional<JobRepository.Cursor> cursor;
        try {
            cursor = Optional.ofNullable(cursorParam).map(JobResource::decodeCursor);
        } catch (IllegalArgumentException e) {
            return bad("cursor is not one this service issued");
        }
        return repository.list(Optional.ofNullable(status), Optional.ofNullable(provider), limit, offset, cursor)
                .map(page -> {
                    List<JobView> views = page.jobs().stream().map(j -> JobView.of(j, null)).toList();
                    String next = page.jobs().size() < limit ? null : encodeCursor(page.jobs().get(page.jobs().size() - 1));
                    return Response.ok(new JobList(views, page.total(), limit, cursor.isPresent() ? 0 : offset, next)).build();
                });
    }

    @GET
    @Path("/{job_id}")
    public Uni<Response> get(@PathParam("job_id") String jobId) {
        return jobs.find(jobId).chain(found -> found.isEmpty() ? Uni.createFrom().item(notFound(jobId))
                : redis.hash(String.class).hgetall(UPLOAD_PROGRESS_PREFIX + jobId)
                .map(JobView.UploadProgress::of)
                // the job is still worth showing when Redis is not
                .onFailure().recoverWithNull()
                .map(progress -> Response.ok(JobView.of(found.get(), progress)).build()));
    }

    @POST
    @Path("/{job_id}/cancel")
    public Uni<Response> cancel(@PathParam("job_id") String jobId, RoutingContext rc) {
        Caller caller = Caller.of(rc);
        return jobs.cancel(jobId, caller.actor(), caller.clientIp()).map(outcome -> {
            if (outcome instanceof JobService.Cancelled c) {
                return Response.ok(JobView.of(c.job(), null)).build();
            }
            if (outcome instanceof JobService.NotCancellable n) {
                return Response.status(409).entity(Map.of(
                        "detail", "Job " + jobId + " is " + n.job().status() + " and can no longer be cancelled",
                        "status", n.job().status(), "job", JobView.of(n.job(), null))).build();
            }
            if (outcome instanceof JobService.CancelFailed f) {
                return Response.status(502).entity(Map.of(
                        "detail", "Not cancelled: " + f.reason(), "status", f.job().status())).build();
            }
            return notFound(jobId);
        });
    }

    @DELETE
    @Path("/{job_id}")
    public Uni<Response> delete(@PathParam("job_id") String jobId, RoutingContext rc) {
        Caller caller = Caller.of(rc);
        return jobs.find(jobId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(notFound(jobId));
            }
            if (!JobStatus.fromWire(found.get().status()).orElseThrow().terminal()) {
                return Uni.createFrom().item(Response.status(409).entity(Map.of(
                        "detail", "Job " + jobId + " is " + found.get().status() + "; only finished jobs can be deleted (cancel it first)",
                        "status", found.get().status())).build());
            }
            return jobs.delete(jobId, caller.actor(), caller.clientIp())
                    .map(deleted -> deleted ? Response.noContent().build() : notFound(jobId));
        });
    }

    record Caller(String actor, String clientIp) {
        static Caller of(RoutingContext rc) {
            GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
            return new Caller(identity == null || identity.actor() == null ? "unknown" : identity.actor(),
                    identity == null ? null : identity.clientIp());
        }
    }

    private static Response notFound(String jobId) {
        String shown = jobId.length() > 64 ? jobId.substring(0, 64) + "..." : jobId;
        return JsonErrorMappers.json(404, "Job '" + shown + "' not found");
    }

    private static Uni<Response> bad(String detail) {
        return Uni.createFrom().item(JsonErrorMappers.json(400, detail));
    }

    private static Integer number(String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            return n < min || n > max ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String encodeCursor(io.tuneops.webhook.repository.JobRow last) {
        String raw = last.createdAt().toString() + "|" + last.jobId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static JobRepository.Cursor decodeCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            return new JobRepository.Cursor(OffsetDateTime.parse(raw.substring(0, bar)), raw.substring(bar + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad cursor", e);
        }
    }
}
