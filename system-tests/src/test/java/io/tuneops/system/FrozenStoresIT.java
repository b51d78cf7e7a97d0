package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.tuneops.local.LocalServers;
import io.tuneops.local.testing.PausableRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL, then Redis, stops answering without closing its connections (a frozen process, a
 * network black hole) for 10 s, longer than the 2 s deadline of each store: every answer through
 * the gateway comes within the deadline plus a second, a request that needs the frozen store is a
 * 503 with Retry-After (never a 504), readiness reports the store down in time, a change answered
 * 503 is neither applied nor audited once the store answers again, and everything recovers.
 *
 * <p>Runs a set of services of its own whose PostgreSQL and Redis connections go through relays
 * the test freezes; the suite's services keep using the servers directly.
 */
@ExtendWith(Suite.Extension.class)
class FrozenStoresIT {

    /** TUNEOPS_DATABASE_TIMEOUT and TUNEOPS_REDIS_TIMEOUT, their documented default. */
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final Duration FREEZE = Duration.ofSeconds(10);
    private static final long LONGEST_ALLOWED_MS = DEADLINE.toMillis() + 1000;
    private static final List<String> OWN = List.of("webhook-service", "storage-service", "metrics-service",
            "audit-service", "gateway-service");
    private static final String CLIENT = "10.19.0.1";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static PausableRelay postgres;
    private static PausableRelay redis;
    private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private static StorageJob job;
    private static S3Client s3;

    /** One request of the set sent during a freeze: what it answered and how long it took. */
    record Answer(String what, int status, long millis, String retryAfter, String body) {
    }

    @BeforeAll
    static void startServicesBehindRelays() {
        Suite suite = Suite.Extension.suite();
        postgres = PausableRelay.to(suite.servers.postgresPort());
        redis = PausableRelay.to(suite.servers.redisPort());
        Map<String, Integer> ports = new LinkedHashMap<>();
        OWN.forEach(s -> ports.put(s, LocalServers.freePort()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TUNEOPS_DB_URL", "postgresql://127.0.0.1:" + postgres.port() + "/" + LocalServers.DATABASE);
        env.put("TUNEOPS_REDIS_URL", "redis://127.0.0.1:" + redis.port());
        env.put("TUNEOPS_UPSTREAM_GATEWAY", "http://127.0.0.1:" + ports.get("gateway-service"));
        env.put("TUNEOPS_UPSTREAM_WEBHOOK", "http://127.0.0.1:" + ports.get("webhook-service"));
        env.put("TUNEOPS_UPSTREAM_STORAGE", "http://127.0.0.1:" + ports.get("storage-service"));
        env.put("TUNEOPS_UPSTREAM_METRICS", "http://127.0.0.1:" + ports.get("metrics-service"));
        env.put("TUNEOPS_UPSTREAM_AUDIT", "http://127.0.0.1:" + ports.get("audit-service"));
        for (String service : OWN) {
            services.put(service, suite.process(service, ports.get(service), env, List.of("-Xmx256m", "-XX:+UseSerialGC"),
                    service + "-frozen-stores").start());
        }
        services.values().forEach(s -> s.awaitReady(Suite.READY_TIMEOUT));
        job = StorageJob.submit(gateway(""), CLIENT, "frozen-stores");
        s3 = S3Client.builder().endpointOverride(job.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(job.keys())
                // one attempt: the test measures each answer, not the SDK's retries
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
                .build();
        s3.putObject(b -> b.bucket(job.bucket()).key(job.prefix() + "kept.txt"), RequestBody.fromString("kept"));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        services.values().forEach(ServiceProcess::stop);
        if (postgres != null) {
            postgres.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aFrozenPostgresIsA503WithinTheDeadlineAndNothingAnsweredFailedIsAppliedLater() throws Exception {
        String keyName = "frozen-pg-" + UUID.randomUUID();
        String ip = "10.77.1." + (1 + (int) (Math.random() * 250)) + "/32";
        for (Answer a : frozenFor10s(postgres, "PostgreSQL", keyName, ip)) {
            if (!readinessOrS3(a, "database")) {
                assertUnavailable(a, a.what().equals("api-key-create") ? "api key not created: the database (postgresql)"
                        : "the database (postgresql) is not answering");
            }
        }
        afterResume(keyName, ip);
    }

    @Test
    void aFrozenRedisIsA503WithinTheDeadlineWhereItIsNeededAndNothingAnsweredFailedIsAppliedLater() throws Exception {
        String keyName = "frozen-redis-" + UUID.randomUUID();
        String ip = "10.77.2." + (1 + (int) (Math.random() * 250)) + "/32";
        for (Answer a : frozenFor10s(redis, "Redis", keyName, ip)) {
            if (readinessOrS3(a, "redis")) {
                continue;
            }
            if (List.of("jobs", "job", "audit", "webhook").contains(a.what())) {
                // what reads PostgreSQL only keeps working; upload progress (Redis) is left out of job views
                assertEquals(200, a.status(), a.toString());
            } else {
                // a change's audit event cannot be appended, so the change is rolled back (the gateway's
                // KeyChangeFailure words which step of a key change failed)
                assertUnavailable(a, a.what().equals("api-key-create") ? "api key not created: " : "redis is not answering");
            }
        }
        afterResume(keyName, ip);
    }

    /** The answers during the freeze, the longest reported and within the deadline plus a second. */
    private static List<Answer> frozenFor10s(PausableRelay store, String name, String keyName, String ip) throws Exception {
        List<Answer> answers = duringFreeze(store, keyName, ip);
        long longest = report(name, answers);
        assertTrue(longest <= LONGEST_ALLOWED_MS, "longest answer " + longest + " ms");
        return answers;
    }

    /** Sends the whole set of requests again and again, in parallel, for as long as the store is frozen. */
    private static List<Answer> duringFreeze(PausableRelay store, String keyName, String ip) throws Exception {
        List<Answer> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        store.pause();
        try {
            long end = System.nanoTime() + FREEZE.toNanos();
            int round = 0;
            while (System.nanoTime() < end) {
                round++;
                List<Future<Answer>> inFlight = new ArrayList<>();
                for (Map.Entry<String, Supplier<Answer>> request : requests(keyName, ip, round).entrySet()) {
                    inFlight.add(pool.submit(request.getValue()::get));
                }
                for (Future<Answer> f : inFlight) {
                    answers.add(f.get());
                }
            }
        } finally {
            store.resume();
            pool.shutdownNow();
        }
        return answers;
    }

    private static Map<String, Supplier<Answer>> requests(String keyName, String ip, int round) {
        Map<String, Supplier<Answer>> r = new LinkedHashMap<>();
        r.put("jobs", () -> timed("jobs", "GET", gateway("/api/cloud/jobs?limit=5"), null));
        r.put("job", () -> timed("job", "GET", gateway("/api/cloud/jobs/" + job.jobId()), null));
        r.put("audit", () -> timed("audit", "GET", gateway("/api/audit?limit=5"), null));
        r.put("webhook", () -> delivery("webhook", "msg_frozen_" + UUID.randomUUID()));
        r.put("ready", () -> timed("ready", "GET", gateway("/api/cloud/health/ready"), null));
        for (String service : List.of("webhook", "storage", "audit", "gateway")) {
            r.put(service + "-ready", () -> timed(service + "-ready", "GET",
                    services.get(service + "-service").url("/q/health/ready"), null));
        }
        r.put("s3-get", FrozenStoresIT::s3Get);
        r.put("provider-change", () -> timed("provider-change", "PUT", gateway("/api/cloud/providers/replicate"),
                "{\"webhook_allowed_ips\": [\"" + ip + "\"]}"));
        r.put("api-key-create", () -> timed("api-key-create", "POST", gateway("/api/auth/api-keys"),
                "{\"name\": \"" + keyName + "-" + round + "\", \"scopes\": [\"viewer\"]}"));
        return r;
    }

    /** Once the store answers again: every request works, and no change answered 503 was applied or audited. */
    private static void afterResume(String keyName, String ip) {
        awaitStatus("ready", () -> timed("ready", "GET", gateway("/api/cloud/health/ready"), null), 200);
        awaitStatus("jobs", () -> timed("jobs", "GET", gateway("/api/cloud/jobs?limit=5"), null), 200);
        awaitStatus("audit", () -> timed("audit", "GET", gateway("/api/audit?limit=5"), null), 200);
        awaitStatus("webhook", () -> delivery("webhook", "msg_after_" + UUID.randomUUID()), 200);
        awaitStatus("s3-get", FrozenStoresIT::s3Get, 200);

        // a change made now is applied and audited: once its event is in the trail, any late event
        // of a change answered 503 during the freeze would be there too
        String marker = "10.77.9." + (1 + (int) (Math.random() * 250)) + "/32";
        Answer change = awaitStatus("provider-change", () -> timed("provider-change", "PUT",
                gateway("/api/cloud/providers/replicate"), "{\"webhook_allowed_ips\": [\"" + marker + "\"]}"), 200);
        assertTrue(change.body().contains(marker), change.body());
        awaitAudited("provider.configured", marker);

        JsonNode config = Http.get(gateway("/api/cloud/providers/replicate"), "X-Forwarded-For", CLIENT).json();
        assertFalse(config.toString().contains(ip), "a change answered 503 was applied: " + config);
        assertFalse(auditTrail("provider.configured").contains(ip), "a change answered 503 was audited");

        String keys = Http.get(gateway("/api/auth/api-keys"), "X-Forwarded-For", CLIENT).body();
        assertFalse(keys.contains(keyName), "an API key answered 503 was created: " + keys);
        assertFalse(auditTrail("api_key.created").contains(keyName), "an API key answered 503 was audited");
    }

    private static long report(String store, List<Answer> answers) {
        Answer longest = answers.stream().max(java.util.Comparator.comparingLong(Answer::millis)).orElseThrow();
        Map<String, Long> byRequest = new LinkedHashMap<>();
        answers.forEach(a -> byRequest.merge(a.what() + " " + a.status(), a.millis(), Math::max));
        System.out.printf("FrozenStoresIT: %s frozen %d s, %d answers, longest %d ms (%s); longest per request and status: %s%n",
                store, FREEZE.toSeconds(), answers.size(), longest.millis(), longest.what(), byRequest);
        return longest.millis();
    }

    /**
     * What both freezes answer alike, never a 504: readiness reports the store down in time, a
     * signed S3 request gets S3's own 503. False for the other requests.
     */
    private static boolean readinessOrS3(Answer a, String component) {
        assertNotEquals(504, a.status(), a.toString());
        switch (a.what()) {
            case "ready" -> assertDown(a, component);
            case "webhook-ready", "storage-ready", "audit-ready", "gateway-ready" -> assertEquals(503, a.status(), a.toString());
            case "s3-get" -> {
                assertEquals(503, a.status(), a.toString());
                assertTrue(a.body().equals("ServiceUnavailable") || a.body().equals("SlowDown"), a.toString());
                assertTrue(a.retryAfter() != null, "Retry-After: " + a);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void assertUnavailable(Answer a, String detailStart) {
        assertEquals(503, a.status(), a.toString());
        assertTrue(a.retryAfter() != null && Integer.parseInt(a.retryAfter()) > 0, "Retry-After: " + a);
        String detail = json(a.body()).path("detail").asText();
        assertTrue(detail.toLowerCase(java.util.Locale.ROOT).contains(detailStart), a.toString());
        assertFalse(detail.contains("Exception"), a.toString());
    }

    private static void assertDown(Answer a, String component) {
        assertEquals(503, a.status(), a.toString());
        assertEquals("down", json(a.body()).path("components").path(component).asText(), a.toString());
    }

    private static Answer timed(String what, String method, String url, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + Suite.ADMIN_TOKEN)
                .header("X-Forwarded-For", CLIENT);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        Http.Reply reply = Http.send(request.build());
        return new Answer(what, reply.status(), (System.nanoTime() - start) / 1_000_000, reply.header("Retry-After"), reply.body());
    }

    /** A signed status report of the job from its provider, as the provider's retries would send it. */
    private static Answer delivery(String what, String id) {
        long ts = System.currentTimeMillis() / 1000;
        String body = "{\"id\":\"" + job.jobId() + "\",\"status\":\"processing\"}";
        String signature;
        try {
            signature = new Webhook(StorageJob.WEBHOOK_SECRET).sign(id, ts, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway("/api/webhooks/generic"))).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(ts)).header("webhook-signature", signature)
                .build();
        long start = System.nanoTime();
        Http.Reply reply = Http.send(request);
        return new Answer(what, reply.status(), (System.nanoTime() - start) / 1_000_000, reply.header("Retry-After"), reply.body());
    }

    /** A signed GetObject with the job's upload credential; the body is the S3 error code when it fails. */
    private static Answer s3Get() {
        long start = System.nanoTime();
        try {
            String content = s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(job.prefix() + "kept.txt")).asUtf8String();
            return new Answer("s3-get", 200, (System.nanoTime() - start) / 1_000_000, null, content);
        } catch (S3Exception e) {
            return new Answer("s3-get", e.statusCode(), (System.nanoTime() - start) / 1_000_000,
                    e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After").orElse(null),
                    e.awsErrorDetails().errorCode());
        }
    }

    private static Answer awaitStatus(String what, Supplier<Answer> request, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Answer last;
        while ((last = request.get()).status() != expected) {
            assertTrue(System.nanoTime() < deadline, what + " did not recover: " + last);
            ServiceProcess.pause(Duration.ofMillis(200));
        }
        return last;
    }

    private static void awaitAudited(String type, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!auditTrail(type).contains(text)) {
            assertTrue(System.nanoTime() < deadline, type + " " + text + " never reached the audit trail");
            ServiceProcess.pause(Duration.ofMillis(200));
        }
    }

    /** The latest 200 audit entries of {@code type}, as text. */
    private static String auditTrail(String type) {
        Http.Reply trail = Http.get(gateway("/api/audit?event_type=" + type + "&limit=200"), "X-Forwarded-For", CLIENT);
        assertEquals(200, trail.status(), trail.body());
        return trail.body();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static String gateway(String path) {
        return services.get("gateway-service").url(path);
    }
}
