package io.tuneops.webhook.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tuneops.webhook.repository.JobRow;
import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.UploadCredentials;
import io.tuneops.webhook.service.UploadProgress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JSON the records make, field by field: which fields are always there (null when unknown) and
 * which are left out when empty is part of the API, so a change to a record shows here first.
 */
class WireShapesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 11, 22, 9, 0, 0, 0, ZoneOffset.UTC);

    static String json(Object value) throws Exception {
        return JSON.writeValueAsString(value);
    }

    static JobRow pending() {
        return JobRow.builder().jobId("job_1").provider(Provider.GENERIC).providerJobId("job_1").status(JobStatus.PENDING)
                .submittedBy("key_op").request(new JsonObject().put("input", new JsonObject()))
                .costUsd(BigDecimal.ZERO).createdAt(CREATED).updatedAt(CREATED).build();
    }

    @Test
    void aJobViewHasEveryFieldNullWhenUnknown() throws Exception {
        assertEquals("{\"job_id\":\"job_1\",\"provider\":\"generic\",\"provider_job_id\":\"job_1\",\"status\":\"pending\","
                        + "\"provider_status\":null,\"name\":null,\"hardware\":null,\"version\":null,\"destination\":null,"
                        + "\"submitted_by\":\"key_op\",\"idempotency_key\":null,\"created_at\":\"2026-11-22T09:00Z\","
                        + "\"updated_at\":\"2026-11-22T09:00Z\",\"started_at\":null,\"completed_at\":null,"
                        + "\"duration_seconds\":null,\"cost_usd\":0.0,\"cost_limit_warning\":null,\"logs\":null,"
                        + "\"output\":null,\"output_url\":null,\"error\":null,"
                        + "\"upload_progress\":{\"objects\":0,\"bytes\":0,\"last_upload_at\":null},"
                        + "\"user_id\":null,\"username\":null,\"team_id\":null,\"org_id\":null,\"estimated_cost_usd\":null,"
                        + "\"config_name\":null,\"hardware_type\":null,\"error_message\":null,\"job_type\":\"cloud\","
                        + "\"is_terminal\":false,\"is_active\":true}",
                json(JobView.of(pending(), UploadProgress.NONE)));
    }

    @Test
    void theOutputUrlIsTheWeightsOrTheLastUrl() {
        assertEquals("https://x/w.tar", JobView.of(pending().toBuilder()
                .output(new JsonObject().put("version", "a/b:c").put("weights", "https://x/w.tar")).build(), null).output_url());
        assertEquals("https://x/2.png", JobView.of(pending().toBuilder()
                .output(new JsonArray().add("https://x/1.png").add("https://x/2.png")).build(), null).output_url());
        assertEquals("https://x/o", JobView.of(pending().toBuilder().output("https://x/o").build(), null).output_url());
    }

    @Test
    void aSubmitAnswerOmitsTheCostWarningOnlyWhenThereIsNone() throws Exception {
        UploadCredentials.Issued credentials = new UploadCredentials.Issued("TUNEKEY", "secret", "http://h/api/cloud/storage",
                "outputs", "job_1/", "2026-11-29T09:00Z");
        String answer = json(new JobResource.SubmittedJob(true, "job_1", JobStatus.PENDING, Provider.GENERIC, null, credentials,
                null, List.of(), null, null, null));
        assertEquals("{\"success\":true,\"job_id\":\"job_1\",\"status\":\"pending\",\"provider\":\"generic\",\"provider_job_id\":null,"
                + "\"upload_credentials\":{\"access_key_id\":\"TUNEKEY\",\"secret_access_key\":\"secret\","
                + "\"endpoint_url\":\"http://h/api/cloud/storage\",\"bucket\":\"outputs\",\"prefix\":\"job_1/\","
                + "\"expires_at\":\"2026-11-29T09:00Z\"},\"quota_warnings\":[],\"job\":null}", answer);
        assertEquals("{\"success\":true,\"job_id\":\"job_1\",\"status\":\"pending\",\"provider\":\"generic\",\"provider_job_id\":null,"
                        + "\"upload_credentials\":null,\"cost_limit_warning\":\"Cost limit nearly reached\","
                        + "\"quota_warnings\":[\"concurrent_jobs quota nearly reached\"],\"job\":null}",
                json(new JobResource.SubmittedJob(true, "job_1", JobStatus.PENDING, Provider.GENERIC, null, null,
                        "Cost limit nearly reached", List.of("concurrent_jobs quota nearly reached"), null, null, null)));
        assertEquals("{\"success\":true,\"job_id\":\"job_1\",\"status\":\"pending_approval\",\"provider\":\"generic\",\"provider_job_id\":null,"
                        + "\"upload_credentials\":null,\"quota_warnings\":[],\"approval_request_id\":\"apr_1\","
                        + "\"approval_reason\":\"Quota requires approval\",\"job\":null}",
                json(new JobResource.SubmittedJob(true, "job_1", JobStatus.PENDING_APPROVAL, Provider.GENERIC, null, null,
                        null, List.of(), "apr_1", "Quota requires approval", null)));
    }

    @Test
    void jobErrorsCarryOnlyWhatTheyKnow() throws Exception {
        assertEquals("{\"detail\":\"Not cancelled: down\",\"status\":\"running\"}",
                json(new JobResource.JobError("Not cancelled: down", null, JobStatus.RUNNING, null)));
        assertEquals("{\"detail\":\"failed\",\"job_id\":\"job_1\",\"status\":\"failed\"}",
                json(new JobResource.JobError("failed", "job_1", JobStatus.FAILED, null)));
        assertEquals("{\"success\":true,\"job_id\":\"job_1\",\"status\":\"pending\",\"idempotent_replay\":true,"
                        + "\"idempotent_hit\":true,\"job\":null}",
                json(new JobResource.ReplayedJob(true, "job_1", JobStatus.PENDING, true, true, null)));
    }

    @Test
    void aDeliveryAnswerNamesTheJobOnlyWhenItConcernedOne() throws Exception {
        assertEquals("{\"status\":\"duplicate\"}", json(new WebhookResource.DeliveryAnswer("duplicate", null, null)));
        assertEquals("{\"status\":\"applied\",\"job_id\":\"job_1\",\"job_status\":\"completed\"}",
                json(new WebhookResource.DeliveryAnswer("applied", "job_1", JobStatus.COMPLETED)));
    }

    @Test
    void anUnconfiguredProviderShowsEveryFieldWithItsDefaultOrNull() throws Exception {
        assertEquals("{\"provider\":\"replicate\",\"configured\":false,\"webhook_allowed_ips\":[],"
                        + "\"webhook_require_signature\":true,\"ssl_verify\":null,\"ssl_ca_bundle\":null,\"proxy_url\":null,"
                        + "\"http_timeout\":null,\"api_base_url\":null,\"s3_endpoint_enabled\":null,\"s3_public_url\":null,"
                        + "\"s3_output_path\":null,\"webhook_secret_configured\":false,\"api_token_configured\":false,"
                        + "\"cost_limit\":null,\"hardware_prices\":null,\"webhook_secret_source\":null}",
                json(ProviderView.of(Provider.REPLICATE, null, Set.of(), false)));
    }

    @Test
    void aConfiguredProviderShowsItsValuesAndOnlyWhetherSecretsAreSet() throws Exception {
        JsonObject config = new JsonObject().put("webhook_allowed_ips", new JsonArray().add("10.0.0.0/8"))
                .put("http_timeout", 60.0).put("proxy_url", "http://corp:s3cr3t@proxy.corp:3128")
                .put("cost_limit", new JsonObject().put("amount", 5.0).put("period", "daily").put("action", "block"))
                .put("hardware_prices", new JsonObject().put("gpu-a100", 0.001));
        String view = json(ProviderView.of(Provider.GENERIC, config, Set.of("api_token"), true));
        assertEquals("{\"provider\":\"generic\",\"configured\":true,\"webhook_allowed_ips\":[\"10.0.0.0/8\"],"
                + "\"webhook_require_signature\":true,\"ssl_verify\":null,\"ssl_ca_bundle\":null,"
                + "\"proxy_url\":\"http://corp:***@proxy.corp:3128\",\"http_timeout\":60.0,\"api_base_url\":null,"
                + "\"s3_endpoint_enabled\":null,\"s3_public_url\":null,\"s3_output_path\":null,"
                + "\"webhook_secret_configured\":true,\"api_token_configured\":true,"
                + "\"cost_limit\":{\"amount\":5.0,\"period\":\"daily\",\"action\":\"block\"},"
                + "\"hardware_prices\":{\"gpu-a100\":0.001},\"webhook_secret_source\":\"configuration\"}", view);
    }

    @Test
    void aProxyPasswordIsNeverShown() {
        assertEquals("http://proxy:8080", ProviderView.withoutPassword("http://proxy:8080"));
        assertEquals("https://user:***@proxy/path", ProviderView.withoutPassword("https://user:pass@proxy/path"));
        assertEquals("***", ProviderView.withoutPassword("http://bad host:1/"));
    }
}
