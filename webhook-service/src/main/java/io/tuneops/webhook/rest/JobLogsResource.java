package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.webhook.repository.JobRow;
import io.tuneops.webhook.service.JobService;
import io.tuneops.webhook.service.LogFollower;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A job's log, whole and followed live: the original tool's {@code /logs}, {@code /logs/stream}
 * and {@code /inline-progress}, read from the log tail each report stores.
 */
@Path("/api/cloud/jobs/{job_id}")
@Tag(name = "Jobs")
public class JobLogsResource {

    // reports arrive at most every few seconds; a second's delay is what a reader of a log expects
    private static final Duration LOOK_EVERY = Duration.ofSeconds(1);
    // well within the gateway's wait for a quiet answer (30 s by default), so an idle stream is not cut
    private static final int KEEP_ALIVE_LOOKS = 5;
    // one request does not hold a connection for good: a reader that wants more asks again
    private static final Duration LONGEST_FOLLOW = Duration.ofHours(1);
    private static final String DONE = "done";
    private static final String STREAM_END = "stream_end";

    private final JobService jobs;
    private final LogStreams streams;

    public JobLogsResource(JobService jobs, LogStreams streams) {
        this.jobs = jobs;
        this.streams = streams;
    }

    /** The log tail as stored. */
    public record JobLogs(String job_id, String logs) {
    }

    /** Where a job stands, in the original tool's words: its status as stage, and its log's last line. */
    public record InlineProgress(String job_id, String stage, String last_log, Double progress) {
    }

    @GET
    @Path("/logs")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Read a job's log", description = "The newest part of the log its provider reported"
            + " (TUNEOPS_JOBS_LOGS_TAIL characters); empty when none was reported.")
    @APIResponse(responseCode = "200", description = "The log",
            content = @Content(schema = @Schema(implementation = JobLogs.class)))
    @APIResponse(responseCode = "404", description = "No such job",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> logs(@PathParam("job_id") String jobId) {
        return answer(jobId, job -> new JobLogs(job.jobId(), job.logs() == null ? "" : job.logs()));
    }

    @GET
    @Path("/inline-progress")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Where a job stands", description = "Its status as stage and the last line of its log;"
            + " progress is null: providers report no fraction done.")
    @APIResponse(responseCode = "200", description = "Where it stands",
            content = @Content(schema = @Schema(implementation = InlineProgress.class)))
    @APIResponse(responseCode = "404", description = "No such job",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> inlineProgress(@PathParam("job_id") String jobId) {
        return answer(jobId, job -> new InlineProgress(job.jobId(), job.status().wire(), lastLine(job.logs()), null));
    }

    @GET
    @Path("/logs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follow a job's log", description = "Server-sent events: each new log line as data, a"
            + " comment every 5 s while nothing happens; when the job has finished, event done with its status, then"
            + " event done with stream_end. A stream ends after an hour at most (ask again to go on); a job deleted"
            + " meanwhile ends it with event done, deleted; a failed read with event error (follow it again). Each replica"
            + " follows at most TUNEOPS_JOBS_MAX_LOG_STREAMS logs at a time (32), then answers 503.")
    @APIResponse(responseCode = "200", description = "The log as it grows",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = String.class)))
    @APIResponse(responseCode = "404", description = "No such job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "This replica follows as many logs as it may; retry (Retry-After)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Multi<OutboundSseEvent> stream(@PathParam("job_id") String jobId, @Context Sse sse) {
        // KnownJobStreams has answered 404 for an unknown job; one deleted since is gone at the first look
        return follow(jobId, sse);
    }

    /** The log from the first look on, one look a second, until the job has finished or is gone. */
    private Multi<OutboundSseEvent> follow(String jobId, Sse sse) {
        LogFollower follower = new LogFollower();
        AtomicInteger quiet = new AtomicInteger();
        AtomicBoolean ended = new AtomicBoolean();
        Multi<Optional<JobRow>> looks = Multi.createBy().concatenating().streams(Multi.createFrom().item(0L),
                        // a look that takes longer than a second (or a reader slow to take a batch) skips ticks
                        // rather than failing the stream
                        Multi.createFrom().ticks().every(LOOK_EVERY).onOverflow().drop())
                .onItem().transformToUniAndConcatenate(tick -> jobs.find(jobId));
        return looks
                .select().first(LONGEST_FOLLOW)
                .map(look -> events(look, follower, quiet, sse))
                // not the end of the job: the reader follows it again (EventSource reconnects by itself)
                .onFailure().recoverWithItem(e -> List.of(sse.newEvent("error", "The job could not be read; follow it again")))
                // the look that finds the job finished (or gone) is the last one
                .select().first(batch -> !ended.getAndSet(batch.stream().anyMatch(e -> STREAM_END.equals(e.getData()))))
                .onItem().transformToIterable(batch -> batch)
                .onSubscription().invoke(streams::opened)
                .onTermination().invoke(streams::closed);
    }

    private static List<OutboundSseEvent> events(Optional<JobRow> look, LogFollower follower, AtomicInteger quiet, Sse sse) {
        List<OutboundSseEvent> events = new ArrayList<>();
        if (look.isEmpty()) {
            events.add(sse.newEvent(DONE, "deleted"));
            events.add(sse.newEvent(DONE, STREAM_END));
            return events;
        }
        JobRow job = look.get();
        boolean finished = job.status().terminal();
        for (String line : follower.next(job.logs(), finished)) {
            events.add(sse.newEvent(line));
        }
        if (finished) {
            events.add(sse.newEvent(DONE, job.status().wire()));
            events.add(sse.newEvent(DONE, STREAM_END));
        } else if (!events.isEmpty()) {
            quiet.set(0);
        } else if (quiet.incrementAndGet() >= KEEP_ALIVE_LOOKS) {
            quiet.set(0);
            events.add(sse.newEventBuilder().comment("keep-alive").build());
        }
        return events;
    }

    private static String lastLine(String logs) {
        if (logs == null || logs.isBlank()) {
            return null;
        }
        String trimmed = logs.stripTrailing();
        return trimmed.substring(trimmed.lastIndexOf('\n') + 1).strip();
    }

    /** What {@code view} makes of the job, or the jobs routes' 404. */
    private Uni<Response> answer(String jobId, Function<JobRow, Object> view) {
        return jobs.find(jobId).map(found -> found.map(job -> Response.ok(view.apply(job)).build())
                .orElseGet(() -> JobResource.notFound(jobId)));
    }
}
