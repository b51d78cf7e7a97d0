package io.tuneops.webhook.rest;

import io.vertx.core.json.JsonObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of a job submission, for the OpenAPI description. The route reads the body as a
 * JsonObject and SubmitRequest checks it field by field, so that an unknown or mistyped field is
 * reported by name.
 */
@Schema(description = "A job to submit. Replicate needs version and destination; every field is optional for generic.")
public record JobSubmission(
        @Schema(description = "replicate (default) or generic; ?provider= wins") String provider,
        @Schema(description = "A name for the job (at most 200 characters)") String name,
        @Schema(description = "Accepted for name") String config_name,
        @Schema(description = "Replicate: the model version to train, owner/model:version_id") String version,
        @Schema(description = "Replicate: the model to push the result to, owner/model") String destination,
        @Schema(description = "The training input, passed to the provider as it is") JsonObject input,
        @Schema(description = "The hardware the job runs on; priced by the provider's hardware_prices") String hardware,
        @Schema(description = "A retry with the same key (per API key) gets the same job back") String idempotency_key,
        @Schema(description = "The team the job is charged to, one of the caller's; default their first") String team_id,
        @Schema(description = "The longest the job runs, in seconds (1 to 2592000): prices it for budgets and approvals; "
                + "without it the average of the hardware's latest completed jobs") Integer max_run_seconds) {
}
