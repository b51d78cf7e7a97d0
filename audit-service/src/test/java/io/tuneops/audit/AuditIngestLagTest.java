package io.tuneops.audit;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.audit.service.AuditMeters;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingest lag and pending-entries gauges. Measured on a stream of the test's own (the service's
 * consumer would store events on the real one before they could be observed waiting), with real
 * Redis: one event delivered to a consumer that never acknowledges it, one nobody has read.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class AuditIngestLagTest {

    @Inject
    RedisDataSource redis;

    @Inject
    AuditMeters meters;

    @Test
    void lagIsTheAgeOfTheOldestUnstoredEventPendingOrUndelivered() {
        String stream = "test:audit:lag:" + UUID.randomUUID();
        var streams = redis.stream(String.class);
        streams.xgroupCreate(stream, "g", "0", new XGroupCreateArgs().mkstream());
        assertEquals(new AuditMeters.Lag(0, 0), meters.measure(stream, "g").await().atMost(Duration.ofSeconds(5)));

        // ids chosen 120 s and 60 s in the past (Redis stamps ids with its own clock; explicit ones stand for older events)
        long now = Long.parseLong(redis.execute("TIME").get(0).toString()) * 1000;
        streams.xadd(stream, new io.quarkus.redis.datasource.stream.XAddArgs().id((now - 120_000) + "-0"), Map.of("event", "{}"));
        streams.xadd(stream, new io.quarkus.redis.datasource.stream.XAddArgs().id((now - 60_000) + "-0"), Map.of("event", "{}"));
        AuditMeters.Lag undelivered = meters.measure(stream, "g").await().atMost(Duration.ofSeconds(5));
        assertEquals(0, undelivered.pending());
        assertTrue(undelivered.seconds() >= 120 && undelivered.seconds() < 130, undelivered.toString());

        // the older one delivered and never acknowledged: still counts, now as pending
        streams.xreadgroup("g", "dead-consumer", stream, ">", new XReadGroupArgs().count(1));
        AuditMeters.Lag pending = meters.measure(stream, "g").await().atMost(Duration.ofSeconds(5));
        assertEquals(1, pending.pending());
        assertTrue(pending.seconds() >= 120 && pending.seconds() < 130, pending.toString());

        // acknowledged: the lag is the undelivered one's age
        streams.xack(stream, "g", (now - 120_000) + "-0");
        AuditMeters.Lag rest = meters.measure(stream, "g").await().atMost(Duration.ofSeconds(5));
        assertEquals(0, rest.pending());
        assertTrue(rest.seconds() >= 60 && rest.seconds() < 70, rest.toString());
        redis.key().del(stream);
    }

    @Test
    void theGaugesAreExportedForTheRealStream() {
        meters.refresh().await().atMost(Duration.ofSeconds(5));
        RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("tuneops_audit_stream_pending_entries "))
                .body(containsString("tuneops_audit_ingest_lag_seconds "))
                .body(containsString("tuneops_audit_verifications_total{"));
    }
}
