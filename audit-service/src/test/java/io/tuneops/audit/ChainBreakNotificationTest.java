package io.tuneops.audit;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.support.notify.NotificationStandIn;
import io.tuneops.support.notify.NotificationStandIn.Received;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tuneops.audit.AuditTestSupport.awaitStored;
import static io.tuneops.audit.AuditTestSupport.sql;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A verification that finds the chain broken reports system.audit_chain_broken through
 * audit.notification_outbox to webhook-service (a stand-in), once per break however often the
 * chain is verified while it stays broken.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(NotificationStandIn.class)
class ChainBreakNotificationTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Test
    void aTamperedEntryIsReportedOnceWhateverHowOftenTheChainIsVerified() throws SQLException {
        String type = "test.notify." + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            append("n-" + type + "-" + i, type);
        }
        long last = awaitStored("n-" + type + "-2", type);
        long victim = last - 1;
        String eventId = "evt_audit_chain_broken_" + victim;

        sql("UPDATE audit.entries SET actor = 'someone-else' WHERE seq = " + victim);
        try {
            Caller.admin().queryParam("from", victim - 1).queryParam("to", last).get("/api/audit/verify").then()
                    .statusCode(200).body("valid", equalTo(false)).body("first_broken_link.seq", equalTo((int) victim));

            Received report = NotificationStandIn.awaitAccepted(eventId);
            JsonObject event = report.body();
            assertEquals("system.audit_chain_broken", event.getString("event_type"));
            assertNull(event.getString("job_id"), "a system event has no subject");
            JsonObject data = event.getJsonObject("data");
            assertEquals("audit", data.getString("component"));
            assertEquals(victim, data.getLong("first_broken_id"));
            assertTrue(data.getString("detail").contains("entry_hash"), data.encode());
            assertEquals(Caller.GATEWAY_SECRET, report.secret());
            NotificationStandIn.awaitTrue(() -> outboxRows(eventId) == 0, "the accepted event stayed in the outbox");

            // the same break found again, by a range and by the whole chain: nothing new is queued
            Caller.admin().queryParam("from", victim - 1).queryParam("to", last).get("/api/audit/verify").then()
                    .body("valid", equalTo(false));
            Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(false))
                    .body("first_broken_link.seq", equalTo((int) victim));
            // a queued row would be in the outbox until webhook-service accepted it, and then received
            assertEquals(0, outboxRows(eventId));
            List<Received> all = NotificationStandIn.received(eventId);
            assertEquals(1, all.size(), "the break was reported once: " + all);
        } finally {
            sql("UPDATE audit.entries SET actor = 'actor' WHERE seq = " + victim);
        }
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true));
    }

    private void append(String id, String type) {
        String event = new JsonObject().put("id", id).put("time", Instant.now().toString()).put("type", type)
                .put("actor", "actor").put("actor_ip", "198.51.100.7").put("target_type", "route").put("target_id", "GET /x")
                .put("action", "reject").put("details", Map.of("n", 1)).encode();
        redis.stream(String.class).xadd("tuneops:audit:events", Map.of("event", event));
    }

    private long outboxRows(String eventId) {
        return pool.preparedQuery("SELECT count(*) FROM audit.notification_outbox WHERE event_id = $1")
                .execute(Tuple.of(eventId)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }
}
