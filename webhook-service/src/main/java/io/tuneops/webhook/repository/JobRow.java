package io.tuneops.webhook.repository;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** One row of webhook.job. */
public record JobRow(String jobId, String provider, String providerJobId, String status, String providerStatus,
                     String submittedBy, String idempotencyKey, String name, String hardware, JsonObject request,
                     String logs, Object output, String error, Double predictTime, BigDecimal costUsd,
                     String costLimitWarning, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                     OffsetDateTime startedAt, OffsetDateTime completedAt) {

    static final String COLUMNS = "job_id, provider, provider_job_id, status, provider_status, submitted_by, idempotency_key, "
            + "name, hardware, request, logs, output, error, predict_time, cost_usd, cost_limit_warning, created_at, "
            + "updated_at, started_at, completed_at";

    static JobRow of(io.vertx.mutiny.sqlclient.Row r) {
        return new JobRow(r.getString("job_id"), r.getString("provider"), r.getString("provider_job_id"),
                r.getString("status"), r.getString("provider_status"), r.getString("submitted_by"),
                r.getString("idempotency_key"), r.getString("name"), r.getString("hardware"),
                r.getJsonObject("request"), r.getString("logs"), r.getValue("output"), r.getString("error"),
                r.getDouble("predict_time"), r.getBigDecimal("cost_usd"), r.getString("cost_limit_warning"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"),
                r.getOffsetDateTime("started_at"), r.getOffsetDateTime("completed_at"));
    }
}
