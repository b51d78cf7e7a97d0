package io.tuneops.metrics;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health and the export while Redis is down, with a Redis of this test's own (the embedded servers
 * are shared by every test of the JVM): the full check turns {@code unhealthy} with a 503 and
 * latency figures, readiness names Redis, the export's {@code health} category says so and the
 * {@code http} category (read from Redis) becomes a scrape error, and all of it recovers when Redis
 * is back.
 */
@QuarkusTest
@TestProfile(RedisDownHealthTest.OwnRedis.class)
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = FakeServicesResource.class, scope = TestResourceScope.GLOBAL)
class RedisDownHealthTest {

    /** A Redis on a port of its own, started with this profile's application; the test stops and restarts it. */
    public static final class OwnRedisResource implements QuarkusTestResourceLifecycleManager {
        static final int PORT = LocalServers.freePort();
        static volatile RedisServer redis;

        @Override
        public Map<String, String> start() {
            redis = LocalServers.startRedis(null, PORT);
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + PORT);
        }

        @Override
        public void stop() {
            stopRedis();
        }

        /** Started after the shared servers' resource, so its Redis address is the one that stays. */
        @Override
        public int order() {
            return Integer.MAX_VALUE;
        }

        static void stopRedis() {
            try {
                if (redis != null && redis.isActive()) {
                    redis.stop();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static final class OwnRedis implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(OwnRedisResource.class));
        }
    }

    private static JsonPath health(int expectedStatus) {
        return RestAssured.get("/api/cloud/health").then().statusCode(expectedStatus).extract().jsonPath();
    }

    private static String component(JsonPath health, String name, String field) {
        Object value = health.get("components.find { it.name == '" + name + "' }." + field);
        return value == null ? null : value.toString();
    }

    private static String preview() {
        return MetricsTestSupport.asAdmin().get("/api/cloud/metrics/config/preview?categories=http,health")
                .then().statusCode(200).extract().jsonPath().getString("content");
    }

    @Test
    void redisDownMakesTheSuiteUnhealthyWithLatencyFiguresAndItRecovers() {
        FakeServicesResource.STATUS.replaceAll((service, status) -> 200);
        JsonPath up = health(200);
        assertEquals("healthy", up.getString("status"));
        assertEquals("healthy", component(up, "redis", "status"));
        assertTrue(preview().contains("simpletuner_health_component_status{component=\"redis\"} 2"));

        OwnRedisResource.stopRedis();
        try {
            JsonPath down = health(503);
            assertEquals("unhealthy", down.getString("status"));
            assertEquals("unhealthy", component(down, "redis", "status"));
            assertTrue(component(down, "redis", "message").startsWith("Redis not accessible"), down.prettify());
            double redisLatency = Double.parseDouble(component(down, "redis", "latency_ms"));
            assertTrue(redisLatency >= 0 && redisLatency < 2_000, "redis latency " + redisLatency);
            assertEquals("healthy", component(down, "database", "status"));
            double databaseLatency = Double.parseDouble(component(down, "database", "latency_ms"));
            assertTrue(databaseLatency > 0 && databaseLatency < 1_000, "database latency " + databaseLatency);
            assertEquals("healthy", component(down, "audit-service", "status"));
            assertTrue(Double.parseDouble(component(down, "audit-service", "latency_ms")) > 0, down.prettify());
            assertTrue(!down.prettify().contains("127.0.0.1") && !down.prettify().contains(FakeServicesResource.INTERNAL_SECRET),
                    "a message carries an address or the secret: " + down.prettify());

            RestAssured.get("/api/cloud/health/ready").then().statusCode(503)
                    .body("status", equalTo("not_ready"))
                    .body("components.redis", equalTo("down"))
                    .body("components.database", equalTo("up"));
            RestAssured.get("/api/cloud/health/live").then().statusCode(200).body("status", equalTo("ok"));

            String scrape = preview();
            assertTrue(scrape.contains("simpletuner_health_component_status{component=\"redis\"} 0"), scrape);
            assertTrue(scrape.contains("simpletuner_health_component_status{component=\"database\"} 2"), scrape);
            assertTrue(scrape.contains("simpletuner_scrape_error{category=\"http\"} 1"), scrape);
            assertTrue(scrape.contains("simpletuner_scrape_error{category=\"health\"} 0"), scrape);
            assertTrue(scrape.contains("\nsimpletuner_health_database_latency_ms "), scrape);
        } finally {
            OwnRedisResource.redis = LocalServers.startRedis(null, OwnRedisResource.PORT);
        }

        // the Redis client reconnects by itself: healthy again within a few probes
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        do {
            status = RestAssured.get("/api/cloud/health").statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        RestAssured.get("/api/cloud/health").then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("components.find { it.name == 'redis' }.message", startsWith("Redis accessible"));
        RestAssured.get("/api/cloud/health/ready").then().statusCode(200).body("status", containsString("ready"));
    }
}
