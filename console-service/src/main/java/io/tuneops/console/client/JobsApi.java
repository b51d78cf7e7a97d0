package io.tuneops.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.service.SubmitForm;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** webhook-service's jobs ({@code /api/cloud/jobs}), in the JSON it answers (docs/jobs.md). */
@ApplicationScoped
public class JobsApi {

    static final String JOBS = "/api/cloud/jobs";

    public record UploadProgress(long objects, long bytes, String last_upload_at) {
    }

    /** A job as webhook-service shows it; every field present, null when unknown. */
    public record Job(String job_id, String provider, String provider_job_id, String status, String provider_status,
                      String name, String hardware, String version, String destination, String submitted_by,
                      String idempotency_key, String created_at, String updated_at, String started_at,
                      String completed_at, Double duration_seconds, double cost_usd, String cost_limit_warning,
                      String logs, JsonNode output, String output_url, String error, UploadProgress upload_progress) {
    }

    public record JobList(List<Job> jobs, long total, int limit, int offset, String next_cursor) {
    }

    /** Shown once, in the answer to the submit that created the job. */
    public record UploadCredentials(String access_key_id, String secret_access_key, String endpoint_url, String bucket,
                                    String prefix, String expires_at) {
        @Override
        public String toString() {
            return "UploadCredentials[" + access_key_id + "]";
        }
    }

    /**
     * The answer to a submit: a new job (201, with credentials) or the earlier one (200,
     * idempotent_replay); a job held for approval has the status {@value #PENDING_APPROVAL} and the
     * id of its approval request.
     */
    public record Submitted(String job_id, String status, String provider, String provider_job_id,
                            UploadCredentials upload_credentials, String cost_limit_warning, List<String> quota_warnings,
                            String approval_request_id, Boolean idempotent_replay, Job job) {

        public boolean heldForApproval() {
            return PENDING_APPROVAL.equals(status);
        }
    }

    public static final String PENDING_APPROVAL = "pending_approval";

    private final OwnerClient owners;

    public JobsApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<JobList>> list(Caller caller, String status, String provider, int limit, String cursor) {
        String query = Query.of().add("status", status).add("provider", provider).add("limit", String.valueOf(limit))
                .add("cursor", cursor).toString();
        return owners.get(Owner.WEBHOOK, JOBS + query, caller, JobList.class);
    }

    public Uni<Answer<Job>> get(Caller caller, String jobId) {
        return owners.get(Owner.WEBHOOK, JOBS + "/" + Query.segment(jobId), caller, Job.class);
    }

    /** The body is the API's submit body as the form built it (JobSubmission's fields). */
    public Uni<Answer<Submitted>> submit(Caller caller, SubmitForm.Body body) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, JOBS + "/submit", caller, body, Submitted.class);
    }

    public Uni<Answer<Job>> cancel(Caller caller, String jobId) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, JOBS + "/" + Query.segment(jobId) + "/cancel", caller, null,
                Job.class);
    }

    public Uni<Answer<Void>> delete(Caller caller, String jobId) {
        return owners.send(Owner.WEBHOOK, HttpMethod.DELETE, JOBS + "/" + Query.segment(jobId), caller, null, Void.class);
    }
}
