package io.tuneops.gateway;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing API keys: failed authentications are throttled per client address (here 5 per 3 s)
 * without ever refusing a valid key from that address; a key whose prefix no key has costs no
 * database query; and a key change that fails says what failed.
 */
@QuarkusTest
@TestProfile(KeyGuessingTest.FewFailures.class)
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class KeyGuessingTest {

    public static class FewFailures implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.auth.failure-limit", "5", "tuneops.auth.failure-period", "3s");
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    private static String guess() {
        return "tok_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 32);
    }

    private static Response as(String ip, String key) {
        return RestAssured.given().header("X-Forwarded-For", ip).header("Authorization", "Bearer " + key)
                .get("/api/auth/whoami");
    }

    @Test
    void failuresPastTheLimitAre429ButAValidKeyFromTheSameAddressStillWorks() {
        String ip = "203.0.113.19";
        TestKeys.Created valid = TestKeys.createFrom("198.51.100.190", "guessing-victim", List.of("viewer"));
        for (int i = 0; i < 5; i++) {
            as(ip, guess()).then().statusCode(401);
        }
        Response throttled = as(ip, guess());
        throttled.then().statusCode(429).body("detail", equalTo("Too many failed authentications from " + ip
                + "; retry in " + throttled.header("Retry-After") + " s"));
        long retryAfter = Long.parseLong(throttled.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3, "Retry-After " + retryAfter);
        as(ip, "not-even-shaped-like-a-key").then().statusCode(429);
        // the legitimate client behind the same address is never refused
        as(ip, valid.key()).then().statusCode(200).body("name", equalTo("guessing-victim"));
        // another address is judged on its own failures
        as("203.0.113.20", guess()).then().statusCode(401);
        // counted in Redis, where every replica counts: the refused attempts are not
        assertEquals(5, redis.sortedSet(String.class).zcard("tuneops:gateway:auth-failures:" + ip));
        // one audit event for the throttled address, however many attempts it refused
        as(ip, guess()).then().statusCode(429);
        List<String> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+"))
                .stream().map(m -> m.payload().get("event"))
                .filter(e -> e.contains("auth.throttled") && e.contains("\"actor_ip\":\"" + ip + "\"")).toList();
        assertEquals(1, events.size(), events.toString());
        // the window slides: once the oldest failures leave it, a failure is a 401 again
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            status = as(ip, guess()).statusCode();
        } while (status == 429 && System.nanoTime() < deadline);
        assertEquals(401, status);
    }

    /** Index and sequential scans of gateway.api_keys so far, as PostgreSQL counts them. */
    private long apiKeyScans() {
        return pool.query("SELECT pg_stat_clear_snapshot()").execute()
                .chain(() -> pool.query("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans"
                        + " FROM pg_stat_user_tables WHERE schemaname = 'gateway' AND relname = 'api_keys'").execute())
                .map(rows -> rows.iterator().next().getLong("scans")).await().indefinitely();
    }

    @Test
    void aPrefixNoKeyHasCostsNoDatabaseQuery() {
        String ip = "203.0.113.21";
        TestKeys.Created known = TestKeys.createFrom("198.51.100.191", "known-prefix", List.of("viewer"));
        // a wrong secret under an existing prefix is looked up: the counters' flush is then seen
        String wrongSecret = known.key().substring(0, 13) + "x".repeat(32);
        long before = apiKeyScans();
        as(ip, wrongSecret).then().statusCode(401);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long afterControl;
        do {
            afterControl = apiKeyScans();
        } while (afterControl == before && System.nanoTime() < deadline);
        assertTrue(afterControl > before, "the lookup of an existing prefix was never counted");
        for (int i = 0; i < 4; i++) {
            as(ip + i, guess()).then().statusCode(401);
        }
        long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long after = afterControl;
        while (System.nanoTime() < settle) {
            after = apiKeyScans();
        }
        assertEquals(afterControl, after, "guessed prefixes were looked up in PostgreSQL");
        // a new key works at once, and a revoked one is refused
        TestKeys.Created fresh = TestKeys.createFrom("198.51.100.192", "fresh-prefix", List.of("viewer"));
        as(ip + "9", fresh.key()).then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN).delete("/api/auth/api-keys/" + fresh.id())
                .then().statusCode(204);
        assertFalse(redis.set(String.class).sismember("tuneops:gateway:api-key-prefixes", fresh.key().substring(4, 12)));
    }

    @Test
    void whenTheSetOfPrefixesIsLostKeysAreLookedUpAndItIsRebuilt() {
        TestKeys.Created key = TestKeys.createFrom("198.51.100.193", "survives-a-lost-set", List.of("viewer"));
        redis.key().del("tuneops:gateway:api-key-prefixes");
        as("203.0.113.30", key.key()).then().statusCode(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean rebuilt;
        do {
            as("203.0.113.31", guess());
            rebuilt = redis.set(String.class).sismember("tuneops:gateway:api-key-prefixes", "*complete*");
        } while (!rebuilt && System.nanoTime() < deadline);
        assertTrue(rebuilt, "the set was not rebuilt");
        assertTrue(redis.set(String.class).sismember("tuneops:gateway:api-key-prefixes", key.key().substring(4, 12)));
    }

    @Test
    void aKeyCreationWithTheDatabaseDownSaysSoNotTheAuditTrail() {
        // the table locked by another transaction: the creation cannot be written within the deadline
        SqlConnection connection = pool.getConnection().await().indefinitely();
        Transaction tx = connection.begin().await().indefinitely();
        try {
            connection.query("LOCK TABLE gateway.api_keys IN ACCESS EXCLUSIVE MODE").execute().await().indefinitely();
            Response refused = RestAssured.given().header("X-Forwarded-For", "198.51.100.194")
                    .header("Authorization", "Bearer " + TestKeys.ADMIN).contentType("application/json")
                    .body("{\"name\":\"while the database is away\",\"scopes\":[\"viewer\"]}").post("/api/auth/api-keys");
            refused.then().statusCode(503).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                    .body("detail", startsWith("API key not created: the database (PostgreSQL) is not answering"))
                    .body("detail", endsWith("; retry shortly"));
        } finally {
            tx.rollback().await().indefinitely();
            connection.close().await().indefinitely();
        }
        List<String> created = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+"))
                .stream().map(m -> m.payload().get("event")).filter(e -> e.contains("while the database is away")).toList();
        assertTrue(created.isEmpty(), "audited a key that was not created: " + created);
    }
}
