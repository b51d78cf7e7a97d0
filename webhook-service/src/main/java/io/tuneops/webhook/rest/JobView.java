package io.tuneops.webhook.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tuneops.webhook.repository.JobRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A job as readers see it. The training input is not shown (it may hold the user's own tokens);
 * upload credentials appear only in the submit response, once.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobView(String job_id, String provider, String provider_job_id, String status, String provider_status,
                      String name, String hardware, String version, String destination, String submitted_by,
                      String idempotency_key, String created_at, String updated_at, String started_at,
                      String completed_at, Double duration_seconds, double cost_usd, String cost_limit_warning,
                      String logs, Object output, String output_url, String error, UploadProgress upload_progress) {

    /** What storage-service has received for the job (tuneops:upload-progress:{job_id}). */
    public record UploadProgress(long objects, long bytes, String last_upload_at) {
        static final UploadProgress NONE = new UploadProgress(0, 0, null);

        static UploadProgress of(Map<String, String> hash) {
            if (hash == null || hash.isEmpty()) {
                return NONE;
            }
            return new UploadProgress(parse(hash.get("objects")), parse(hash.get("bytes")), hash.get("last_upload_at"));
        }

        private static long parse(String value) {
            try {
                return value == null ? 0 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    static JobView of(JobRow job, UploadProgress progress) {
        JsonObject request = job.request() == null ? new JsonObject() : job.request();
        return new JobView(job.jobId(), job.provider(), job.providerJobId(), job.status(), job.providerStatus(),
                job.name(), job.hardware(), request.getString("version"), request.getString("destination"),
                job.submittedBy(), job.idempotencyKey(), time(job.createdAt()), time(job.updatedAt()),
                time(job.startedAt()), time(job.completedAt()), job.predictTime(),
                job.costUsd() == null ? 0 : job.costUsd().doubleValue(), job.costLimitWarning(), job.logs(),
                plain(job.output()), outputUrl(job.output()), job.error(), progress);
    }

    private static String time(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    private static Object plain(Object value) {
        if (value instanceof JsonObject o) {
            return o.getMap();
        }
        if (value instanceof JsonArray a) {
            return a.getList();
        }
        return value;
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
