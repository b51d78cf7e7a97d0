package io.tuneops.system;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jobs of the generic provider moved through their states the way a job runner does: submitted
 * through the gateway, then signed status reports on {@code POST /api/webhooks/generic}. Each state
 * change is a job event for the notification outbox. The provider's webhook secret and an allowlist
 * of the loopback address are set on creation; {@link #close()} opens the allowlist again.
 */
final class GenericRunner implements AutoCloseable {

    static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final AtomicInteger SUBMITS = new AtomicInteger();

    private final Suite suite;
    private final String net;
    private final AtomicInteger reports = new AtomicInteger();

    /** {@code net}: the first two octets of the client addresses the submits speak from (one per submit: the gateway limits submits per address). */
    GenericRunner(Suite suite, String net) {
        this.suite = suite;
        this.net = net;
        // reports come from the loopback address inside the allowlist: the provider's own, higher limit
        Http.Reply configured = admin("PUT", "/api/cloud/providers/generic", "{\"webhook_secret\": \"" + WEBHOOK_SECRET
                + "\", \"webhook_allowed_ips\": [\"127.0.0.1/32\"], \"hardware_prices\": {\"h100\": 0.002}}");
        assertEquals(200, configured.status(), configured.body());
    }

    private Http.Reply admin(String method, String path, String body) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json");
    }

    /** Submits a generic job named {@code name}; its id. */
    String submit(String name) {
        int n = SUBMITS.incrementAndGet();
        Http.Reply submitted = Http.request("POST", suite.gateway("/api/cloud/jobs/submit"),
                "{\"provider\": \"generic\", \"name\": \"" + name + "\", \"hardware\": \"h100\", \"max_run_seconds\": 600}",
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json",
                "X-Forwarded-For", net + "." + (n / 250 % 250) + "." + (1 + n % 250));
        assertEquals(201, submitted.status(), submitted.body());
        return submitted.json().get("job_id").asText();
    }

    /** A signed status report for the job: {@code snapshot} are the fields after id ("status", "error", ...). */
    Http.Reply report(String jobId, String snapshot) {
        String webhookId = "msg_notify_" + jobId + "_" + reports.incrementAndGet();
        String body = "{\"id\":\"" + jobId + "\"," + snapshot + "}";
        long ts = System.currentTimeMillis() / 1000;
        String signature;
        try {
            signature = new Webhook(WEBHOOK_SECRET).sign(webhookId, ts, body);
        } catch (EmptyWebhookSecretException | WebhookSigningException e) {
            throw new IllegalStateException(e);
        }
        return Http.request("POST", suite.gateway("/api/webhooks/generic"), body, "Content-Type", "application/json",
                "webhook-id", webhookId, "webhook-timestamp", Long.toString(ts), "webhook-signature", signature);
    }

    /** A report that must be applied (200). */
    void move(String jobId, String snapshot) {
        Http.Reply reply = report(jobId, snapshot);
        assertEquals(200, reply.status(), jobId + " " + snapshot + ": " + reply.body());
    }

    @Override
    public void close() {
        admin("PUT", "/api/cloud/providers/generic", "{\"webhook_allowed_ips\": []}");
    }
}
