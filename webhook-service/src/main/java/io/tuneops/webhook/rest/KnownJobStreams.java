package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.JobService;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Refuses to follow the log of a job that does not exist, or any log while this replica follows as
 * many as it may ({@link LogStreams}): a server-sent event stream answers 200 before its first
 * event, so a refusal has to be given before the stream begins.
 */
public class KnownJobStreams {

    private static final String RETRY_AFTER_SECONDS = "30";

    private final JobService jobs;
    private final LogStreams streams;

    public KnownJobStreams(JobService jobs, LogStreams streams) {
        this.jobs = jobs;
        this.streams = streams;
    }

    @ServerRequestFilter
    public Uni<Response> refuseUnknownJob(SimpleResourceInfo resource, UriInfo uri) {
        if (resource.getResourceClass() != JobLogsResource.class || !"stream".equals(resource.getMethodName())) {
            return Uni.createFrom().nullItem();
        }
        if (streams.full()) {
            return Uni.createFrom().item(Response.fromResponse(JsonErrorMappers.json(503, "This replica already follows "
                    + streams.max() + " job logs; retry shortly")).header("Retry-After", RETRY_AFTER_SECONDS).build());
        }
        String jobId = uri.getPathParameters().getFirst("job_id");
        return jobs.find(jobId).map(found -> found.isPresent() ? null : JobResource.notFound(jobId));
    }
}
