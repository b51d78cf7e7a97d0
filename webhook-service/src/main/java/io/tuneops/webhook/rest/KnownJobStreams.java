package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.JobService;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Refuses to follow the log of a job that does not exist: a server-sent event stream answers 200
 * before its first event, so a 404 has to be given before the stream begins.
 */
public class KnownJobStreams {

    private final JobService jobs;

    public KnownJobStreams(JobService jobs) {
        this.jobs = jobs;
    }

    @ServerRequestFilter
    public Uni<Response> refuseUnknownJob(SimpleResourceInfo resource, UriInfo uri) {
        if (resource.getResourceClass() != JobLogsResource.class || !"stream".equals(resource.getMethodName())) {
            return Uni.createFrom().nullItem();
        }
        String jobId = uri.getPathParameters().getFirst("job_id");
        return jobs.find(jobId).map(found -> found.isPresent() ? null
                : JsonErrorMappers.json(404, "Job '" + JobLogsResource.shown(jobId) + "' not found"));
    }
}
