package io.tuneops.webhook;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tuneops.local.testing.FreezableStores;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL or Redis stops answering with its connections open: a provider change answers 503
 * within the deadline plus a second, naming the store, and is neither applied nor audited when the
 * store answers again; readiness reports the store down in time.
 */
@QuarkusTest
@WithTestResource(value = FreezableStores.class, scope = TestResourceScope.RESTRICTED_TO_CLASS, initArgs = {
        @ResourceArg(name = "tuneops.database.timeout", value = "500ms"),
        @ResourceArg(name = "tuneops.redis.timeout", value = "500ms"),
        @ResourceArg(name = "tuneops.readiness.timeout", value = "300ms")})
class FrozenStoresTest {

    /** As configured above, for both stores. */
    static final Duration DEADLINE = Duration.ofMillis(500);

    @Inject
    RedisDataSource direct;

    /** A change that works before the freeze: the measured answer is not the application's first one. */
    @BeforeEach
    void warmUp() {
        Caller.admin().contentType("application/json").body("{\"webhook_allowed_ips\": []}")
                .put("/api/cloud/providers/replicate").then().statusCode(200);
    }

    @Test
    void aProviderChangeDuringAPostgresFreezeIs503AndNeverAppliedOrAudited() {
        String ip = "10.66.1." + (1 + (int) (Math.random() * 250)) + "/32";
        FreezableStores.postgres().pause();
        try {
            Response answer = timedChange(ip);
            assertEquals(503, answer.statusCode(), answer.asString());
            assertTrue(answer.jsonPath().getString("detail").startsWith(
                    "Configuration not changed: the database (PostgreSQL) is not answering"), answer.asString());
            assertTrue(Integer.parseInt(answer.header("Retry-After")) > 0);

            Response ready = Caller.viewer().get("/q/health/ready");
            assertEquals(503, ready.statusCode(), ready.asString());
            assertTrue(ready.asString().contains("is not answering"), ready.asString());
        } finally {
            FreezableStores.postgres().resume();
        }
        assertNotAppliedNorAudited(ip);
    }

    @Test
    void aProviderChangeDuringARedisFreezeIs503AndNeverAppliedOrAudited() {
        String ip = "10.66.2." + (1 + (int) (Math.random() * 250)) + "/32";
        FreezableStores.redis().pause();
        try {
            Response answer = timedChange(ip);
            assertEquals(503, answer.statusCode(), answer.asString());
            assertTrue(answer.jsonPath().getString("detail").startsWith("Configuration not changed: Redis is not answering"),
                    answer.asString());

            // what needs PostgreSQL only keeps answering
            Caller.viewer().get("/api/cloud/jobs").then().statusCode(200);
        } finally {
            FreezableStores.redis().resume();
        }
        assertNotAppliedNorAudited(ip);
    }

    private static Response timedChange(String ip) {
        long start = System.nanoTime();
        Response answer = Caller.admin().contentType("application/json").body("{\"webhook_allowed_ips\": [\"" + ip + "\"]}")
                .put("/api/cloud/providers/replicate");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < DEADLINE.toMillis() + 1000, "answered after " + millis + " ms");
        return answer;
    }

    /** Once the store answers again: a new change is applied and audited, the one answered 503 neither. */
    private void assertNotAppliedNorAudited(String ip) {
        String marker = "10.66.9." + (1 + (int) (Math.random() * 250)) + "/32";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        do {
            status = Caller.admin().contentType("application/json").body("{\"webhook_allowed_ips\": [\"" + marker + "\"]}")
                    .put("/api/cloud/providers/replicate").statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status, "no recovery");
        String config = Caller.admin().get("/api/cloud/providers/replicate/config").asString();
        assertTrue(config.contains(marker), config);
        assertFalse(config.contains(ip), "applied after a 503: " + config);
        String events = String.join("\n", direct.stream(String.class)
                .xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> m.payload().get("event")).filter(e -> e.contains("provider.configured")).toList());
        assertTrue(events.contains(marker), "the change after recovery is audited");
        assertFalse(events.contains(ip), "audited after a 503");
        Caller.viewer().get("/q/health/ready").then().statusCode(200);
    }
}
