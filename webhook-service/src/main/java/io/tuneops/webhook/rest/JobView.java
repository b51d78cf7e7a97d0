package io.tuneops.webhook.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tuneops.webhook.repository.JobRow;
import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.UploadProgress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A job as readers see it. The training input is not shown (it may hold the user's own tokens);
 * upload credentials appear only in the submit response, once. Every field is present, null when
 * unknown.
 *
 * @param upload_progress null in listings, and when storage-service's figures cannot be read
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobView(String job_id, Provider provider, String provider_job_id, JobStatus status, String provider_status,
                      String name, String hardware, String version, String destination, String submitted_by,
                      String idempotency_key, String created_at, String updated_at, String started_at,
                      String completed_at, Double duration_seconds, double cost_usd, String cost_limit_warning,
                      String logs,
                      @Schema(description = "The provider's output as it reported it: a URL, a list of URLs or an object")
                      Object output,
                      String output_url, String error, UploadProgress upload_progress,
                      @Schema(description = "Who submitted it; null for a key that belongs to no user") String user_id,
                      String username,
                      @Schema(description = "The team the job is charged to") String team_id, String org_id,
                      @Schema(description = "The cost projected at submit (price × expected run time); null when unknown")
                      Double estimated_cost_usd,
                      @Schema(description = "The original tool's name for name") String config_name,
                      @Schema(description = "The original tool's name for hardware") String hardware_type,
                      @Schema(description = "The original tool's name for error") String error_message,
                      @Schema(description = "Always cloud: every job here runs at a provider") String job_type,
                      @Schema(description = "Whether the job has finished (completed, failed or cancelled)") boolean is_terminal,
                      @Schema(description = "Whether the job is still going") boolean is_active) {

    static JobView of(JobRow job, UploadProgress progress) {
        JsonObject request = job.request() == null ? new JsonObject() : job.request();
        boolean finished = job.status().terminal();
        return new JobView(job.jobId(), job.provider(), job.providerJobId(), job.status(), job.providerStatus(),
                job.name(), job.hardware(), request.getString("version"), request.getString("destination"),
                job.submittedBy(), job.idempotencyKey(), time(job.createdAt()), time(job.updatedAt()),
                time(job.startedAt()), time(job.completedAt()), job.predictTime(),
                job.costUsd() == null ? 0 : job.costUsd().doubleValue(), job.costLimitWarning(), job.logs(),
                job.output(), outputUrl(job.output()), job.error(), progress, job.userId(), job.username(), job.teamId(),
                job.orgId(), job.estimatedCostUsd() == null ? null : job.estimatedCostUsd().doubleValue(),
                job.name(), job.hardware(), job.error(), "cloud", finished, !finished);
    }

    private static String time(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    /** Replicate trainings output {"version", "weights"}; predictions a URL or a list of them. */
    private static String outputUrl(Object output) {
        if (output instanceof String s) {
            return s;
        }
        if (output instanceof JsonObject o) {
            Object weights = o.getValue("weights");
            return weights instanceof String s ? s : null;
        }
        if (output instanceof JsonArray a && !a.isEmpty() && a.getValue(a.size() - 1) instanceof String s) {
            return s;
        }
        return null;
    }
}
