package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quotas across replicas: a second webhook-service replica behind a second gateway, both on the
 * suite's PostgreSQL and Redis. Fifty submits at once, spread over the two, against a concurrent
 * jobs quota of five: exactly five are admitted, whichever replica each reached (a submit answered
 * 503 is retried with its idempotency key, as the answer says). And what the gates (quotas and
 * approval rules) add to a submit's latency at fifty concurrent submits.
 */
@ExtendWith(Suite.Extension.class)
class QuotaConcurrencyIT {

    private static final int CONCURRENT = 50;
    /** How long one submit is retried after 503s (each answered within the 2 s database deadline). */
    private static final Duration RETRY_FOR = Duration.ofSeconds(30);
    private static final String ACTIVE = "('pending_approval', 'pending', 'queued', 'running')";
    private static ServiceProcess webhook2;
    private static ServiceProcess gateway2;
    private static String operatorKey;
    private final Suite suite = Suite.Extension.suite();

    @BeforeAll
    static void secondReplicas() {
        Suite suite = Suite.Extension.suite();
        webhook2 = suite.process("webhook-service", LocalServers.freePort(), Map.of(),
                List.of("-Xmx256m", "-XX:+UseSerialGC"), "webhook-replica-2").start();
        webhook2.awaitReady(Suite.READY_TIMEOUT);
        gateway2 = suite.process("gateway-service", LocalServers.freePort(),
                Map.of("TUNEOPS_UPSTREAM_WEBHOOK", webhook2.url("")), List.of("-Xmx256m", "-XX:+UseSerialGC"),
                "gateway-to-webhook-replica-2").start();
        gateway2.awaitReady(Suite.READY_TIMEOUT);
        Http.Reply key = Http.request("POST", suite.gateway("/api/auth/api-keys"),
                "{\"name\":\"quota concurrency\",\"scopes\":[\"operator\"]}", "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", "203.0.113.250");
        assertEquals(201, key.status(), key.body());
        operatorKey = key.json().get("key").asText();
        // priced hardware: every submit carries a cost estimate for the budgets and the cost rule to look at
        Http.Reply priced = Http.request("PUT", suite.gateway("/api/cloud/providers/generic"),
                "{\"hardware_prices\": {\"gpu-a100\": 0.001, \"h100\": 0.002}}", "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", "203.0.113.250");
        assertEquals(200, priced.status(), priced.body());
    }

    @AfterAll
    static void stopReplicas() throws SQLException {
        try {
            // the submits of this class are generic jobs no runner will ever finish: end them as an
            // operator's cancel would (a deletion would leave them in the maintained totals, which
            // never go backwards, and other classes compare those with the table)
            try (Connection db = database(Suite.Extension.suite());
                 PreparedStatement cancel = db.prepareStatement("UPDATE webhook.job SET status = 'cancelled', "
                         + "completed_at = now(), updated_at = now() WHERE name LIKE 'quota-it-%' AND status IN " + ACTIVE)) {
                cancel.executeUpdate();
            }
        } finally {
            gateway2.stop();
            webhook2.stop();
        }
    }

    private static Connection database(Suite suite) throws SQLException {
        return DriverManager.getConnection(suite.servers.jdbcUrl(), "postgres", "");
    }

    private String gateway(int i, String path) {
        return i % 2 == 0 ? suite.gateway(path) : gateway2.url(path);
    }

    private String admin(String method, String path, String body) {
        Http.Reply reply = Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", "203.0.113.251");
        assertTrue(reply.status() / 100 == 2, method + " " + path + ": " + reply.status() + " " + reply.body());
        return reply.body().isEmpty() ? null : reply.json().path("id").asText(null);
    }

    private long active() throws SQLException {
        try (Connection db = database(suite); PreparedStatement count = db.prepareStatement(
                "SELECT count(*) FROM webhook.job WHERE status IN " + ACTIVE);
             ResultSet rows = count.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long activeNamed(String name) throws SQLException {
        try (Connection db = database(suite); PreparedStatement count = db.prepareStatement(
                "SELECT count(*) FROM webhook.job WHERE name = ? AND status IN " + ACTIVE)) {
            count.setString(1, name);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** One round of submits, all released at once, half through each gateway; each from its own client address. */
    private List<Http.Reply> round(String name, int round) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CONCURRENT);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                int n = i;
                // the gateway limits job submissions per client address: every submit speaks from its own
                String client = "10." + (round / 200) + "." + (round % 200) + "." + (n + 1);
                String idempotencyKey = name + "-" + round + "-" + n + "-" + System.nanoTime();
                Callable<Http.Reply> submit = () -> {
                    start.await();
                    long began = System.nanoTime();
                    Http.Reply reply;
                    int attempts = 0;
                    // a 503 says "retry with the same idempotency_key": a client does, and gets the one job
                    // either way; it keeps retrying for as long as a client would wait for one submit
                    long giveUp = began + RETRY_FOR.toNanos();
                    do {
                        reply = Http.request("POST", gateway(n, "/api/cloud/jobs/submit?provider=generic"),
                                "{\"name\": \"" + name + "\", \"hardware\": \"gpu-a100\", \"max_run_seconds\": 600, "
                                        + "\"idempotency_key\": \"" + idempotencyKey + "\"}",
                                "Content-Type", "application/json", "X-API-Key", operatorKey, "X-Forwarded-For", client);
                        attempts++;
                    } while (reply.status() == 503 && System.nanoTime() - giveUp < 0);
                    return new Http.Reply(reply.status(), Map.of("x-elapsed-nanos", List.of(Long.toString(System.nanoTime() - began)),
                            "x-attempts", List.of(Integer.toString(attempts))), reply.body());
                };
                replies.add(threads.submit(submit));
            }
            start.countDown();
            List<Http.Reply> done = new ArrayList<>();
            for (Future<Http.Reply> reply : replies) {
                done.add(reply.get());
            }
            return done;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void fiftyConcurrentSubmitsOnTwoReplicasAdmitExactlyTheQuota() throws Exception {
        // a global quota counts every unfinished job of the suite: its limit leaves room for exactly five more
        long before = active();
        String quota = admin("POST", "/api/quotas", "{\"quota_type\": \"concurrent_jobs\", \"limit_value\": " + (before + 5)
                + ", \"action\": \"block\"}");
        try {
            List<Http.Reply> replies = round("quota-it-admission", 0);
            long admitted = replies.stream().filter(r -> r.status() == 201).count();
            long blocked = replies.stream().filter(r -> r.status() == 403).count();
            long stored = activeNamed("quota-it-admission");
            long retried = replies.stream().filter(r -> !"1".equals(r.headers().get("x-attempts").get(0))).count();
            System.out.printf(Locale.ROOT, "quota concurrency: %d submits over 2 replicas, quota %d free slots: admitted %d, "
                    + "blocked %d, stored unfinished %d, over-admission %d (%d submits retried after a 503)%n", CONCURRENT, 5,
                    admitted, blocked, stored, Math.max(0, stored - 5), retried);
            replies.stream().filter(r -> r.status() != 201 && r.status() != 403).findFirst()
                    .ifPresent(r -> { throw new AssertionError(r.status() + " " + r.body()); });
            assertEquals(5, admitted);
            assertEquals(5, stored, "over-admission");
            assertEquals(CONCURRENT - 5, blocked);
            JsonNode refusal = replies.stream().filter(r -> r.status() == 403).findFirst().orElseThrow().json();
            assertTrue(refusal.get("detail").asText().startsWith("Quota exceeded, job not submitted: concurrent_jobs quota for global"),
                    refusal.toString());
        } finally {
            admin("DELETE", "/api/quotas/" + quota, null);
        }
    }

    @Test
    void theGatesAddLittleToASubmitsLatency() throws Exception {
        int rounds = 6;
        round("quota-it-warmup", 1);
        double[] none = latencies("quota-it-none", rounds, 100);
        List<String> quotas = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        try {
            // every type, globally, never reached: each submit takes the global lock and counts
            for (String type : new String[]{"concurrent_jobs", "jobs_per_hour", "jobs_per_day"}) {
                quotas.add(admin("POST", "/api/quotas", "{\"quota_type\": \"" + type + "\", \"limit_value\": 10000000}"));
            }
            for (String type : new String[]{"cost_daily", "cost_monthly"}) {
                quotas.add(admin("POST", "/api/quotas", "{\"quota_type\": \"" + type + "\", \"limit_value\": 10000000, "
                        + "\"action\": \"require_approval\"}"));
            }
            for (String rule : new String[]{"{\"condition\": \"cost_exceeds\", \"threshold\": \"100000\"}",
                    "{\"condition\": \"hardware_type\", \"threshold\": \"h100-x8, h100-x4\"}",
                    "{\"condition\": \"config_pattern\", \"threshold\": \"^never-[0-9]+$\"}",
                    "{\"condition\": \"daily_jobs_exceed\", \"threshold\": \"1000000\"}"}) {
                rules.add(admin("POST", "/api/approvals/rules", rule.replace("{", "{\"name\": \"latency " + rules.size() + "\", ")));
            }
            double[] gated = latencies("quota-it-gated", rounds, 200);
            System.out.printf(Locale.ROOT, "submit latency at %d concurrent, %d submits each, through the gateway, 2 replicas:%n"
                            + "  no quotas, no rules:            median %.1f ms, p99 %.1f ms%n"
                            + "  5 global quotas + 4 rules:      median %.1f ms, p99 %.1f ms%n"
                            + "  added by the gates:             median %.1f ms, p99 %.1f ms%n",
                    CONCURRENT, rounds * CONCURRENT, percentile(none, 50), percentile(none, 99), percentile(gated, 50),
                    percentile(gated, 99), percentile(gated, 50) - percentile(none, 50),
                    percentile(gated, 99) - percentile(none, 99));
            assertEquals(rounds * CONCURRENT, gated.length);
        } finally {
            for (String rule : rules) {
                admin("DELETE", "/api/approvals/rules/" + rule, null);
            }
            for (String quota : quotas) {
                admin("DELETE", "/api/quotas/" + quota, null);
            }
        }
    }

    private double[] latencies(String name, int rounds, int firstRound) throws Exception {
        double[] millis = new double[rounds * CONCURRENT];
        int n = 0;
        for (int r = 0; r < rounds; r++) {
            for (Http.Reply reply : round(name, firstRound + r)) {
                // every quota and rule leaves room: each submit is admitted, none held
                assertEquals(201, reply.status(), reply.body());
                millis[n++] = Long.parseLong(reply.headers().get("x-elapsed-nanos").get(0)) / 1e6;
            }
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
