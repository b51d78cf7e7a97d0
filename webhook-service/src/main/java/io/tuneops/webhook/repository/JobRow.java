package io.tuneops.webhook.repository;

import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.Provider;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * One row of webhook.job. Too many columns to construct by position readably: a new row comes from
 * {@link #builder()}, a changed one from {@link #toBuilder()}.
 *
 * @param request what is kept of the submission: {@code {"input", "version", "destination"}}
 * @param output  the provider's output as stored (jsonb): a JsonObject, a JsonArray, a string or a number
 * @param userId  who submitted it, with their username, team and organisation as the gateway vouched
 *                for them; null for a credential that belongs to no user
 * @param estimatedCostUsd the cost projected at submit (price × expected run time), null when unknown
 */
public record JobRow(String jobId, Provider provider, String providerJobId, JobStatus status, String providerStatus,
                     String submittedBy, String idempotencyKey, String name, String hardware, JsonObject request,
                     String logs, Object output, String error, Double predictTime, BigDecimal costUsd,
                     String costLimitWarning, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                     OffsetDateTime startedAt, OffsetDateTime completedAt, String userId, String username,
                     String teamId, String orgId, BigDecimal estimatedCostUsd) {

    static final String COLUMNS = "job_id, provider, provider_job_id, status, provider_status, submitted_by, idempotency_key, "
            + "name, hardware, request, logs, output, error, predict_time, cost_usd, cost_limit_warning, created_at, "
            + "updated_at, started_at, completed_at, user_id, username, team_id, org_id, estimated_cost_usd";

    static JobRow of(Row r) {
        return builder().jobId(r.getString("job_id")).provider(Provider.of(r.getString("provider")))
                .providerJobId(r.getString("provider_job_id")).status(JobStatus.of(r.getString("status")))
                .providerStatus(r.getString("provider_status")).submittedBy(r.getString("submitted_by"))
                .idempotencyKey(r.getString("idempotency_key")).name(r.getString("name")).hardware(r.getString("hardware"))
                .request(r.getJsonObject("request")).logs(r.getString("logs")).output(r.getValue("output"))
                .error(r.getString("error")).predictTime(r.getDouble("predict_time")).costUsd(r.getBigDecimal("cost_usd"))
                .costLimitWarning(r.getString("cost_limit_warning")).createdAt(r.getOffsetDateTime("created_at"))
                .updatedAt(r.getOffsetDateTime("updated_at")).startedAt(r.getOffsetDateTime("started_at"))
                .completedAt(r.getOffsetDateTime("completed_at")).userId(r.getString("user_id"))
                .username(r.getString("username")).teamId(r.getString("team_id")).orgId(r.getString("org_id"))
                .estimatedCostUsd(r.getBigDecimal("estimated_cost_usd")).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().jobId(jobId).provider(provider).providerJobId(providerJobId).status(status)
                .providerStatus(providerStatus).submittedBy(submittedBy).idempotencyKey(idempotencyKey).name(name)
                .hardware(hardware).request(request).logs(logs).output(output).error(error).predictTime(predictTime)
                .costUsd(costUsd).costLimitWarning(costLimitWarning).createdAt(createdAt).updatedAt(updatedAt)
                .startedAt(startedAt).completedAt(completedAt).userId(userId).username(username).teamId(teamId).orgId(orgId)
                .estimatedCostUsd(estimatedCostUsd);
    }

    /** Every column unset (null) until given. */
    public static final class Builder {
        private String jobId;
        private Provider provider;
        private String providerJobId;
        private JobStatus status;
        private String providerStatus;
        private String submittedBy;
        private String idempotencyKey;
        private String name;
        private String hardware;
        private JsonObject request;
        private String logs;
        private Object output;
        private String error;
        private Double predictTime;
        private BigDecimal costUsd;
        private String costLimitWarning;
        private OffsetDateTime createdAt;
        private OffsetDateTime updatedAt;
        private OffsetDateTime startedAt;
        private OffsetDateTime completedAt;
        private String userId;
        private String username;
        private String teamId;
        private String orgId;
        private BigDecimal estimatedCostUsd;

        private Builder() {
        }

        public Builder jobId(String value) {
            jobId = value;
            return this;
        }

        public Builder provider(Provider value) {
            provider = value;
            return this;
        }

        public Builder providerJobId(String value) {
            providerJobId = value;
            return this;
        }

        public Builder status(JobStatus value) {
            status = value;
            return this;
        }

        public Builder providerStatus(String value) {
            providerStatus = value;
            return this;
        }

        public Builder submittedBy(String value) {
            submittedBy = value;
            return this;
        }

        public Builder idempotencyKey(String value) {
            idempotencyKey = value;
            return this;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder hardware(String value) {
            hardware = value;
            return this;
        }

        public Builder request(JsonObject value) {
            request = value;
            return this;
        }

        public Builder logs(String value) {
            logs = value;
            return this;
        }

        public Builder output(Object value) {
            output = value;
            return this;
        }

        public Builder error(String value) {
            error = value;
            return this;
        }

        public Builder predictTime(Double value) {
            predictTime = value;
            return this;
        }

        public Builder costUsd(BigDecimal value) {
            costUsd = value;
            return this;
        }

        public Builder costLimitWarning(String value) {
            costLimitWarning = value;
            return this;
        }

        public Builder createdAt(OffsetDateTime value) {
            createdAt = value;
            return this;
        }

        public Builder updatedAt(OffsetDateTime value) {
            updatedAt = value;
            return this;
        }

        public Builder startedAt(OffsetDateTime value) {
            startedAt = value;
            return this;
        }

        public Builder completedAt(OffsetDateTime value) {
            completedAt = value;
            return this;
        }

        public Builder userId(String value) {
            userId = value;
            return this;
        }

        public Builder username(String value) {
            username = value;
            return this;
        }

        public Builder teamId(String value) {
            teamId = value;
            return this;
        }

        public Builder orgId(String value) {
            orgId = value;
            return this;
        }

        public Builder estimatedCostUsd(BigDecimal value) {
            estimatedCostUsd = value;
            return this;
        }

        public JobRow build() {
            return new JobRow(jobId, provider, providerJobId, status, providerStatus, submittedBy, idempotencyKey, name,
                    hardware, request, logs, output, error, predictTime, costUsd, costLimitWarning, createdAt, updatedAt,
                    startedAt, completedAt, userId, username, teamId, orgId, estimatedCostUsd);
        }
    }
}
