package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's life through the gateway, as an operator and a job runner see it: submit with an
 * operator key, signed status reports on the public webhook route (allowlist at the gateway,
 * signature in webhook-service), the result read back, the audit trail, and no secret in any log.
 */
@ExtendWith(Suite.Extension.class)
class JobsIT {

    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String API_TOKEN = "r8_system_test_token_never_logged_0123";
    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address (the suite's gateway trusts the loopback proxy): its own rate-limit windows. */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    private String key(String scope) {
        Http.Reply created = Http.request("POST", suite.gateway("/api/auth/api-keys"),
                "{\"name\":\"jobs system test " + scope + "\",\"scopes\":[\"" + scope + "\"]}",
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(201, created.status(), created.body());
        return created.json().get("key").asText();
    }

    private Http.Reply configure(String provider, String json) {
        return Http.request("PUT", suite.gateway("/api/cloud/providers/" + provider), json,
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json");
    }

    private Http.Reply report(String webhookId, String body) throws Exception {
        long ts = System.currentTimeMillis() / 1000;
        return Http.request("POST", suite.gateway("/api/webhooks/generic"), body, "Content-Type", "application/json",
                "webhook-id", webhookId, "webhook-timestamp", Long.toString(ts),
                "webhook-signature", new Webhook(WEBHOOK_SECRET).sign(webhookId, ts, body));
    }

    @Test
    void anOperatorSubmitsARunnerReportsAndEveryoneSeesTheResult() throws Exception {
        assertEquals(200, configure("generic", "{\"webhook_secret\": \"" + WEBHOOK_SECRET + "\", \"webhook_allowed_ips\": [\"127.0.0.1/32\"],"
                + " \"hardware_prices\": {\"h100\": 0.002}}").status());
        assertEquals(200, configure("replicate", "{\"api_token\": \"" + API_TOKEN + "\"}").status());
        String operator = key("operator");
        String viewer = key("viewer");

        Http.Reply anonymous = Http.request("POST", suite.gateway("/api/cloud/jobs/submit?provider=generic"), "{}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(401, anonymous.status());
        Http.Reply asViewer = Http.request("POST", suite.gateway("/api/cloud/jobs/submit?provider=generic"), "{}",
                "Content-Type", "application/json", "Authorization", "Bearer " + viewer, "X-Forwarded-For", client);
        assertEquals(403, asViewer.status());

        Http.Reply submitted = Http.request("POST", suite.gateway("/api/cloud/jobs/submit"),
                "{\"provider\": \"generic\", \"name\": \"system lora\", \"hardware\": \"h100\"}",
                "Content-Type", "application/json", "X-API-Key", operator, "X-Forwarded-For", client);
        assertEquals(201, submitted.status(), submitted.body());
        String jobId = submitted.json().get("job_id").asText();
        JsonNode credentials = submitted.json().get("upload_credentials");
        String uploadSecret = credentials.get("secret_access_key").asText();
        assertEquals(jobId + "/", credentials.get("prefix").asText());
        // the job uploads to the address SIMPLETUNER_PUBLIC_URL names
        assertEquals(suite.gateway("/api/cloud/storage"), credentials.get("endpoint_url").asText());

        assertEquals(200, report("msg_sys_" + jobId + "_1", "{\"id\":\"" + jobId + "\",\"status\":\"processing\",\"logs\":\"epoch 1\"}").status());
        Http.Reply done = report("msg_sys_" + jobId + "_2", "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\","
                + "\"output\":\"https://example.com/lora.safetensors\",\"metrics\":{\"predict_time\":500}}");
        assertEquals(200, done.status(), done.body());
        assertEquals("completed", done.json().get("job_status").asText());

        Http.Reply read = Http.request("GET", suite.gateway("/api/cloud/jobs/" + jobId), null, "Authorization", "Bearer " + viewer);
        assertEquals(200, read.status());
        assertEquals("completed", read.json().get("status").asText());
        assertEquals(1.0, read.json().get("cost_usd").asDouble(), 1e-9);
        assertEquals("https://example.com/lora.safetensors", read.json().get("output_url").asText());
        // the original client's log routes, through the gateway: the log, and its stream ending with the job's end
        Http.Reply logs = Http.request("GET", suite.gateway("/api/cloud/jobs/" + jobId + "/logs"), null, "Authorization", "Bearer " + viewer);
        assertEquals(200, logs.status(), logs.body());
        assertEquals("epoch 1", logs.json().get("logs").asText());
        Http.Reply stream = Http.request("GET", suite.gateway("/api/cloud/jobs/" + jobId + "/logs/stream"), null,
                "Authorization", "Bearer " + viewer, "Accept", "text/event-stream");
        assertEquals(200, stream.status(), stream.body());
        assertEquals(List.of("data:epoch 1", "event:done", "data:completed", "event:done", "data:stream_end"),
                stream.body().lines().filter(l -> !l.isBlank()).map(l -> l.replace(": ", ":")).toList());
        assertFalse(read.body().contains(uploadSecret));

        Http.Reply list = Http.request("GET", suite.gateway("/api/cloud/jobs?status=completed&provider=generic"), null,
                "Authorization", "Bearer " + viewer);
        assertTrue(list.json().get("total").asLong() >= 1);

        // outside the provider's allowlist the gateway refuses before the signature is even looked at
        assertEquals(200, configure("generic", "{\"webhook_allowed_ips\": [\"10.0.0.0/8\"]}").status());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int refused;
        do {
            refused = report("msg_sys_" + jobId + "_3", "{\"id\":\"" + jobId + "\",\"status\":\"failed\"}").status();
        } while (refused != 403 && System.nanoTime() < deadline);
        assertEquals(403, refused);
        assertEquals(200, configure("generic", "{\"webhook_allowed_ips\": []}").status());

        // audit-service stored who submitted it
        JsonNode stored;
        long auditDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        do {
            stored = Http.get(suite.gateway("/api/audit?event_type=job.submitted&limit=100")).json();
        } while (!stored.toString().contains(jobId) && System.nanoTime() < auditDeadline);
        assertTrue(stored.toString().contains(jobId), stored.toString());

        // secrets appear in no response and in no service's log
        Http.Reply providers = Http.get(suite.gateway("/api/cloud/providers/replicate"));
        assertTrue(providers.json().get("api_token_configured").asBoolean());
        assertFalse(providers.body().contains(API_TOKEN));
        assertFalse(Http.get(suite.gateway("/api/cloud/providers/generic")).body().contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        for (String service : Suite.SERVICES) {
            Path log = suite.logs.resolve(service + ".log");
            assertTrue(Files.exists(log), log.toString());
            String text = Files.readString(log);
            for (String secret : new String[]{API_TOKEN, uploadSecret, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", operator}) {
                assertFalse(text.contains(secret), service + " logged a secret");
            }
        }
    }
}
