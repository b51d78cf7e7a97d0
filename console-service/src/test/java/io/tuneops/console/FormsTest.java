package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.console.Browser.Scope;
import io.tuneops.console.FakeOwners.Recorded;
import io.tuneops.console.service.ProviderForm;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forms: what they send to the owners, every refusal shown in words next to its field, and a
 * refused form shown again with what was typed.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class FormsTest {

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    private JsonObject lastBody(String method, String path) {
        List<Recorded> sent = owners.requests(method, path);
        assertFalse(sent.isEmpty(), "nothing sent to " + method + " " + path);
        return new JsonObject(sent.get(sent.size() - 1).body());
    }

    // ---- Submit ----

    @Test
    void theSubmitFormCarriesAFreshIdempotencyKeyAndLabelsEveryField() {
        Document a = Browser.html(Browser.as(Scope.OPERATOR).get("/submit").asString());
        Document b = Browser.html(Browser.as(Scope.OPERATOR).get("/submit").asString());
        String key = a.getElementById("submit-idempotency-key").attr("value");
        assertTrue(key.matches("[0-9a-f-]{36}"), key);
        assertFalse(key.equals(b.getElementById("submit-idempotency-key").attr("value")));
        assertEquals("hidden", a.getElementById("submit-idempotency-key").attr("type"));
        for (String id : List.of("submit-provider", "submit-name", "submit-hardware", "submit-version", "submit-destination",
                "submit-input")) {
            assertFalse(a.select("label[for=" + id + "]").text().isBlank(), id + " has no label");
        }
    }

    @Test
    void aGenericJobIsSubmittedAndItsCredentialsShownOnce() {
        Document page = Browser.html(Browser.form(Scope.OPERATOR).formParam("provider", "generic")
                .formParam("name", "my run").formParam("hardware", "gpu-a100").formParam("input", "{\"steps\": 10}")
                .formParam("idempotency_key", "idem-1").post("/submit").then().statusCode(200).extract().asString());
        JsonObject sent = lastBody("POST", "/api/cloud/jobs/submit");
        assertEquals(new JsonObject().put("provider", "generic").put("name", "my run").put("hardware", "gpu-a100")
                .put("input", new JsonObject().put("steps", 10)).put("idempotency_key", "idem-1"), sent);
        String jobId = page.getElementById("submitted-job-link").text();
        assertEquals("/jobs/" + jobId, page.getElementById("submitted-job-link").attr("href"));
        assertEquals("s3cr3t-upload-key-0123456789", page.getElementById("cred-secret-access-key").text());
        assertEquals("cred-secret-access-key", page.getElementById("copy-secret-access-key").attr("data-copy-target"));
        String jobPage = Browser.as(Scope.OPERATOR).get("/jobs/" + jobId).asString();
        assertFalse(jobPage.contains("s3cr3t-upload-key"), "the credentials are shown once, on the submit's answer");
    }

    @Test
    void aRetriedSubmitGoesToTheEarlierJob() {
        owners.script("POST", "/api/cloud/jobs/submit", 200, new JsonObject().put("job_id", "job_run1").put("status", "running")
                .put("idempotent_replay", true).put("job", FakeOwners.job("job_run1", "running", "generic")).encode());
        Browser.form(Scope.OPERATOR).formParam("provider", "generic").formParam("idempotency_key", "idem-1").post("/submit")
                .then().statusCode(303).header("Location", "/jobs/job_run1");
    }

    @Test
    void aRefusedSubmitShowsEachErrorNextToItsFieldAndKeepsWhatWasTyped() {
        Document page = Browser.html(Browser.form(Scope.OPERATOR).formParam("provider", "replicate")
                .formParam("name", "typed name").formParam("input", "{\"a\": 1}").formParam("idempotency_key", "idem-7")
                .post("/submit").then().statusCode(200).extract().asString());
        assertEquals("required for replicate: the model version to train, owner/model:version_id",
                page.getElementById("submit-version-error").text());
        assertEquals("true", page.getElementById("submit-version").attr("aria-invalid"));
        assertTrue(page.getElementById("submit-version").attr("aria-describedby").contains("submit-version-error"));
        assertNotNull(page.getElementById("submit-destination-error"));
        assertEquals("Invalid job", page.getElementById("submit-error").text());
        assertEquals("typed name", page.getElementById("submit-name").attr("value"));
        assertEquals("{\"a\": 1}", page.getElementById("submit-input").text());
        assertEquals("idem-7", page.getElementById("submit-idempotency-key").attr("value"), "a retry keeps its key");
    }

    @Test
    void anInputThatIsNotAJsonObjectIsRefusedBeforeAskingTheOwner() {
        Document page = Browser.html(Browser.form(Scope.OPERATOR).formParam("provider", "generic").formParam("input", "[1, 2]")
                .post("/submit").asString());
        assertTrue(page.getElementById("submit-input-error").text().startsWith("must be a JSON object"));
        assertTrue(owners.requests("POST", "/api/cloud/jobs/submit").isEmpty());
    }

    @Test
    void aSubmitToAnOwnerThatHangsSaysSoAndKeepsTheKeyForTheRetry() {
        owners.hang("POST", "/api/cloud/jobs/submit");
        Document page = Browser.html(Browser.form(Scope.OPERATOR).formParam("provider", "generic")
                .formParam("idempotency_key", "idem-9").post("/submit").then().statusCode(200).extract().asString());
        assertTrue(page.getElementById("submit-error").text().startsWith("Not submitted: webhook-service is unavailable"));
        assertEquals("idem-9", page.getElementById("submit-idempotency-key").attr("value"));
    }

    // ---- Providers: Advanced Configuration ----

    @Test
    void theAllowlistIsSavedOneEntryPerLineAndEveryFieldIsSent() {
        Document page = Browser.html(Browser.form(Scope.ADMIN)
                .formParam("webhook_allowed_ips", " 10.0.0.0/8 \r\n\r\n192.168.0.0/16\n")
                .formParam("webhook_require_signature", "true").formParam("http_timeout", "60")
                .formParam("proxy_url", "http://proxy:8080").formParam("cost_limit_amount", "100")
                .formParam("cost_limit_period", "daily").formParam("cost_limit_action", "block")
                .formParam("hardware_prices", "gpu-a100 = 0.0014\ngpu-h100: 0.002")
                .post("/providers/generic").then().statusCode(200).extract().asString());
        JsonObject sent = lastBody("PUT", "/api/cloud/providers/generic");
        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/16"), sent.getJsonArray("webhook_allowed_ips").getList());
        assertEquals(true, sent.getBoolean("webhook_require_signature"));
        assertEquals(60.0, sent.getDouble("http_timeout"));
        assertEquals(new JsonObject().put("amount", 100.0).put("period", "daily").put("action", "block"),
                sent.getJsonObject("cost_limit"));
        assertEquals(new JsonObject().put("gpu-a100", 0.0014).put("gpu-h100", 0.002), sent.getJsonObject("hardware_prices"));
        assertFalse(sent.containsKey("ssl_verify"), "a Default choice keeps what is stored: the API takes no null for it");
        assertFalse(sent.containsKey("s3_endpoint_enabled"));
        assertFalse(sent.containsKey("api_token"), "an untouched secret is not sent");
        assertFalse(sent.containsKey("webhook_secret"));
        assertNotNull(page.getElementById("provider-saved"));
        assertEquals("10.0.0.0/8\n192.168.0.0/16", page.getElementById("cfg-webhook_allowed_ips").wholeText());
    }

    @Test
    void anInvalidAllowlistEntryIsShownNextToTheFieldAndTheFormKeepsWhatWasTyped() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("webhook_allowed_ips", "10.0.0.0/8\nnot-a-cidr")
                .formParam("proxy_url", "ftp://nope").formParam("http_timeout", "45").post("/providers/generic")
                .then().statusCode(200).extract().asString());
        assertEquals("not IP addresses or CIDR blocks (e.g. 10.0.0.0/8, 1.2.3.4/32, 2001:db8::/32): [1] 'not-a-cidr'",
                page.getElementById("cfg-webhook_allowed_ips-error").text());
        assertEquals("must be an http:// or https:// URL", page.getElementById("cfg-proxy_url-error").text());
        assertEquals("Invalid provider configuration", page.getElementById("provider-error").text());
        assertEquals("10.0.0.0/8\nnot-a-cidr", page.getElementById("cfg-webhook_allowed_ips").wholeText());
        assertEquals("45", page.getElementById("cfg-http_timeout").attr("value"));
        assertNull(page.getElementById("provider-saved"));
        assertEquals(List.of(), owners.providers.get("generic").getJsonArray("webhook_allowed_ips").getList(), "nothing saved");
    }

    @Test
    void turningSslVerificationOffNeedsTheAcknowledgment() {
        Document refused = Browser.html(Browser.form(Scope.ADMIN).formParam("ssl_verify", "false").post("/providers/replicate")
                .then().statusCode(200).extract().asString());
        assertTrue(refused.getElementById("cfg-ssl_verify-error").text().contains("Tick the acknowledgment"));
        assertTrue(owners.requests("PUT", "/api/cloud/providers/replicate").isEmpty(), "refused before asking the owner");
        assertEquals("false", refused.select("#cfg-ssl_verify option[selected]").attr("value"), "the choice is kept");

        Browser.form(Scope.ADMIN).formParam("ssl_verify", "false").formParam("ssl_verify_ack", "yes")
                .post("/providers/replicate").then().statusCode(200);
        assertEquals(false, lastBody("PUT", "/api/cloud/providers/replicate").getBoolean("ssl_verify"));
        assertEquals(false, owners.providers.get("replicate").getBoolean("ssl_verify"));

        Browser.form(Scope.ADMIN).formParam("ssl_verify", "false").formParam("http_timeout", "20")
                .post("/providers/replicate").then().statusCode(200);
        assertEquals(20.0, lastBody("PUT", "/api/cloud/providers/replicate").getDouble("http_timeout"),
                "once off, other saves need no acknowledgment again");
    }

    @Test
    void secretsAreWriteOnlyAndAMaskedProxyPasswordIsKept() {
        owners.providers.get("replicate").put("proxy_url", "http://user:***@proxy:8080").put("api_token_configured", true);
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/providers/replicate").asString());
        assertEquals("password", page.getElementById("cfg-api_token").attr("type"));
        assertEquals("", page.getElementById("cfg-api_token").attr("value"));
        assertTrue(page.getElementById("cfg-api_token-state").text().startsWith("Configured"));
        assertTrue(page.getElementById("cfg-webhook_secret-state").text().startsWith("Not configured"));
        Browser.form(Scope.ADMIN).formParam("proxy_url", "http://user:***@proxy:8080").formParam("api_token_clear", "true")
                .formParam("webhook_secret", "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0").post("/providers/replicate");
        JsonObject sent = lastBody("PUT", "/api/cloud/providers/replicate");
        assertFalse(sent.containsKey("proxy_url"), "the masked URL is not stored back");
        assertTrue(sent.containsKey("api_token") && sent.getValue("api_token") == null, "removal sends null");
        assertEquals("whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0", sent.getString("webhook_secret"));
    }

    @Test
    void aProxyUrlChangedAroundItsMaskedPasswordAsksForThePasswordAndStoresNothing() {
        owners.providers.get("replicate").put("proxy_url", "http://user:***@proxy:3128");
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("proxy_url", "http://user:***@proxy:3129")
                .post("/providers/replicate").then().statusCode(200).extract().asString());
        assertNotNull(page.getElementById("cfg-proxy_url-error"), "refused next to the field");
        assertEquals(ProviderForm.RETYPE_PROXY_PASSWORD, page.getElementById("cfg-proxy_url-error").text());
        assertEquals("http://user:***@proxy:3129", page.getElementById("cfg-proxy_url").attr("value"), "kept as typed");
        assertTrue(owners.requests("PUT", "/api/cloud/providers/replicate").isEmpty(), "the mask is never sent as a password");

        Browser.form(Scope.ADMIN).formParam("proxy_url", "http://user:s3cret@proxy:3129").post("/providers/replicate")
                .then().statusCode(200);
        assertEquals("http://user:s3cret@proxy:3129", lastBody("PUT", "/api/cloud/providers/replicate").getString("proxy_url"));
    }

    // ---- Metrics ----

    @Test
    void theExportIsEnabledWithTheChosenCategories() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("prometheus_enabled", "true")
                .formParam("prometheus_categories", "jobs").formParam("prometheus_categories", "health").post("/metrics")
                .then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("prometheus_enabled", true).put("prometheus_categories", List.of("jobs", "health")),
                lastBody("PUT", "/api/cloud/metrics/config"));
        assertEquals("Saved: the export is enabled.", page.getElementById("metrics-notice").text());
        assertTrue(page.getElementById("metrics-category-health").hasAttr("checked"));
    }

    @Test
    void aRefusedCategoryIsShownNextToTheCategories() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("prometheus_categories", "bogus").post("/metrics")
                .then().statusCode(200).extract().asString());
        assertEquals("unknown category 'bogus'", page.getElementById("metrics-categories-error").text());
    }

    @Test
    void aTemplateIsAppliedAndThePreviewShowsTheOutput() {
        Document applied = Browser.html(Browser.form(Scope.ADMIN).post("/metrics/templates/standard").asString());
        assertEquals("Template standard applied: the export is enabled with jobs, http, health.",
                applied.getElementById("metrics-notice").text());
        Document preview = Browser.html(Browser.as(Scope.VIEWER).get("/metrics/preview?categories=jobs&categories=http")
                .then().statusCode(200).extract().asString());
        assertTrue(preview.getElementById("preview-output").wholeText().contains("simpletuner_jobs_total 2"));
        assertTrue(preview.getElementById("preview-category-http").hasAttr("checked"));
        assertEquals("categories=jobs&categories=http", owners.requests("GET", "/api/cloud/metrics/config/preview").get(0).query());
        assertEquals("/metrics/preview", preview.getElementById("preview-form").attr("hx-get"));
    }

    // ---- Health ----

    @Test
    void healthShowsComponentsWithLatencyAndChecksProvidersOnDemand() {
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/health").asString());
        assertEquals("healthy", page.getElementById("health-status").text());
        assertTrue(page.getElementById("component-database").text().contains("1.2 ms"));
        assertNull(page.getElementById("component-provider:replicate"));
        assertEquals("", owners.requests("GET", "/api/cloud/health").get(0).query() == null ? ""
                : owners.requests("GET", "/api/cloud/health").get(0).query());
        Document checked = Browser.html(Browser.as(Scope.VIEWER).get("/health?include_providers=true").asString());
        assertTrue(checked.getElementById("component-provider:replicate").text().contains("HTTP 401 from the provider"));
    }

    @Test
    void anUnhealthySuiteIsStillShown() {
        owners.script("GET", "/api/cloud/health", 503, new JsonObject().put("status", "unhealthy").put("version", "0.1.0")
                .put("uptime_seconds", 5.0).put("timestamp", "2026-11-22T09:00:00Z").put("components", new JsonArray()
                        .add(new JsonObject().put("name", "database").put("status", "unhealthy").put("message", "refused"))).encode());
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/health").then().statusCode(200).extract().asString());
        assertEquals("unhealthy", page.getElementById("health-status").text());
        assertTrue(page.getElementById("component-database").text().contains("refused"));
    }

    // ---- Audit ----

    @Test
    void auditFiltersArePassedOnAndPagedWithTheCursor() {
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/audit?event_type=job.submitted&actor=key_operator")
                .then().statusCode(200).extract().asString());
        assertEquals("event_type=job.submitted&actor=key_operator", owners.requests("GET", "/api/audit").get(0).query());
        assertTrue(page.getElementById("audit-entry-7").text().contains("job.submitted"));
        assertEquals("/audit?event_type=job.submitted&actor=key_operator&cursor=czo3", page.getElementById("audit-next").attr("href"));
        assertEquals("job.submitted", page.select("#audit-event_type option[selected]").attr("value"));
        assertEquals("key_operator", page.getElementById("audit-actor").attr("value"));
    }

    @Test
    void aRefusedAuditFilterIsShownNextToItsField() {
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/audit?since=yesterday").asString());
        assertEquals("'yesterday' is not an ISO 8601 time (e.g. 2026-01-15T10:30:00Z)", page.getElementById("audit-since-error").text());
        assertEquals("yesterday", page.getElementById("audit-since").attr("value"));
    }

    @Test
    void theChainVerificationShowsItsResult() {
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/audit/verify?from=1&to=7").asString());
        assertEquals("from=1&to=7", owners.requests("GET", "/api/audit/verify").get(0).query());
        assertEquals("true", page.getElementById("verify-result").attr("data-valid"));
        assertTrue(page.getElementById("verify-result").text().contains("The chain is intact: 7 entries checked"));
        owners.script("GET", "/api/audit/verify", 200, new JsonObject().put("valid", false).put("entries_checked", 4)
                .put("from_seq", 1).put("to_seq", 7).put("first_broken_link", new JsonObject().put("seq", 5)
                        .put("reason", "entry hash mismatch")).put("head_hash", "ab12").encode());
        Document broken = Browser.html(Browser.as(Scope.ADMIN).get("/audit/verify").asString());
        assertEquals("false", broken.getElementById("verify-result").attr("data-valid"));
        assertTrue(broken.getElementById("verify-result").text().contains("at sequence 5: entry hash mismatch"));
    }

    // ---- API keys ----

    @Test
    void aNewKeyIsShownOnceWithACopyButton() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("name", "ci bot").formParam("scopes", "viewer")
                .formParam("scopes", "operator").post("/keys").then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("name", "ci bot").put("scopes", List.of("viewer", "operator")),
                lastBody("POST", "/api/auth/api-keys"));
        assertEquals("tok_wxyz_the-new-secret-key", page.getElementById("created-key-value").text());
        assertEquals("created-key-value", page.getElementById("copy-created-key").attr("data-copy-target"));
        assertNotNull(page.getElementById("key-key_2"), "the list shows the new key");
        assertFalse(Browser.as(Scope.ADMIN).get("/keys").asString().contains("the-new-secret-key"));
        assertEquals(Browser.CSRF, owners.requests("POST", "/api/auth/api-keys").get(0).headers().get("X-CSRF-Token"));
    }

    @Test
    void aRefusedKeyIsShownNextToItsFieldWithWhatWasTyped() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("name", "bad<name>").formParam("scopes", "admin")
                .post("/keys").asString());
        assertEquals("1 to 100 letters, digits, spaces or ._:@/-", page.getElementById("key-name-error").text());
        assertEquals("bad<name>", page.getElementById("key-name").attr("value"));
        assertTrue(page.getElementById("key-scope-admin").hasAttr("checked"));
        assertFalse(page.getElementById("key-scope-viewer").hasAttr("checked"));
        assertNull(page.getElementById("created-key"));
    }

    @Test
    void aKeyIsRevokedAfterConfirmation() {
        Document list = Browser.html(Browser.as(Scope.ADMIN).get("/keys").asString());
        assertTrue(list.getElementById("revoke-key_admin").parent().attr("hx-confirm").startsWith("Revoke key bootstrap admin?"));
        Document confirm = Browser.html(Browser.as(Scope.ADMIN).get("/keys/key_admin/revoke").asString());
        assertEquals("/keys/key_admin/revoke", confirm.getElementById("confirm-form").attr("action"));
        Browser.form(Scope.ADMIN).post("/keys/key_admin/revoke").then().statusCode(303).header("Location", "/keys?revoked=key_admin");
        assertEquals("revoked", owners.keys.get("key_admin").getString("status"));
        Document again = Browser.html(Browser.form(Scope.ADMIN).post("/keys/key_admin/revoke").then().statusCode(200)
                .extract().asString());
        assertEquals("Not revoked: No active API key key_admin", again.getElementById("key-action-error").text());
    }
}
