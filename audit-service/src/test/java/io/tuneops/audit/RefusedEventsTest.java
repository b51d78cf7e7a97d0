package io.tuneops.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.audit.service.BatchAppender;
import io.tuneops.audit.service.DeliveredEvent;
import io.tuneops.audit.service.IncomingEvent;
import io.tuneops.audit.service.RejectedEvent;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tuneops.audit.AuditTestSupport.awaitStored;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events that fit the old schema check but that PostgreSQL refuses: each is set aside on its own,
 * and the valid events of its batch are stored, the consumer reading on.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class RefusedEventsTest {

    private static final String STREAM = "tuneops:audit:events";
    private static final String REJECTED = "tuneops:audit:rejected";

    /** Appends every argument as one event, in one script: the consumer reads them as one batch. */
    private static final String APPEND_ALL = """
            for i, event in ipairs(ARGV) do
                redis.call('XADD', KEYS[1], '*', 'event', event)
            end
            return #ARGV""";

    @Inject
    RedisDataSource redis;

    @Inject
    BatchAppender appender;

    private static String event(String id, String type, String fields) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"time\":\"" + Instant.now() + "\"" + fields + "}";
    }

    /** The raw events the rejected stream holds, from the newest back. */
    private List<String> rejectedEvents() {
        List<String> raw = new ArrayList<>();
        for (StreamMessage<String, String, String> m : redis.stream(String.class).xrevrange(REJECTED, StreamRange.of("+", "-"), 1000)) {
            raw.add(m.payload().get("event"));
        }
        return raw;
    }

    private boolean rejected(String eventId) {
        return rejectedEvents().stream().anyMatch(raw -> raw != null && raw.contains("\"" + eventId + "\""));
    }

    @Test
    void eventsPostgresqlWouldRefuseAreRejectedAndTheRestOfTheirBatchIsStored() {
        String type = "test.poison." + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> poisoned = Map.of(
                "array-" + type, ",\"details\":[1]",
                "string-" + type, ",\"details\":\"s\"",
                "nul-actor-" + type, ",\"actor\":\"a\\u0000b\"",
                "nul-key-" + type, ",\"details\":{\"k\\u0000\":1}",
                "infinite-" + type, ",\"details\":{\"n\":1e400}");
        List<String> batch = new ArrayList<>();
        batch.add(event("first-" + type, type, ",\"actor\":\"a\""));
        poisoned.forEach((id, fields) -> batch.add(event(id, type, fields)));
        batch.add("{\"id\":\"far-future-" + type + "\",\"type\":\"" + type + "\",\"time\":\"+300000-01-01T00:00:00Z\"}");
        batch.add(event("last-" + type, type, ",\"actor\":\"a\""));
        List<String> args = new ArrayList<>(List.of(APPEND_ALL, "1", STREAM));
        args.addAll(batch);
        redis.execute("EVAL", args.toArray(new String[0]));

        awaitStored("first-" + type, type);
        awaitStored("last-" + type, type);
        redis.stream(String.class).xadd(STREAM, Map.of("event", event("later-" + type, type, "")));
        awaitStored("later-" + type, type);
        Caller.admin().queryParam("event_type", type).get("/api/audit").then().statusCode(200).body("total", equalTo(3));
        for (String id : poisoned.keySet()) {
            assertTrue(rejected(id), id + " is not in " + REJECTED);
        }
        assertTrue(rejected("far-future-" + type), "an event dated out of range is not in " + REJECTED);
        Caller.admin().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void aBatchPostgresqlRefusesIsStoredOneByOneAndOnlyTheEventAtFaultIsRefused() {
        // built here, past the schema check, as an event the check does not foresee would be
        String type = "test.refused." + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<BatchAppender.Accepted> batch = new ArrayList<>();
        for (String actor : List.of("a", "b\u0000c", "d")) {
            String id = type + "-" + actor.charAt(0);
            batch.add(new BatchAppender.Accepted(DeliveredEvent.present("0-" + actor.charAt(0), "{\"id\":\"" + id + "\"}"),
                    new IncomingEvent(id, now, type, actor, null, null, null, null, JsonNodeFactory.instance.objectNode())));
        }
        List<RejectedEvent> refused = appender.append(batch).await().atMost(Duration.ofSeconds(10));
        assertEquals(1, refused.size(), refused.toString());
        assertEquals("0-b", refused.get(0).streamId());
        assertTrue(refused.get(0).reason().startsWith("refused by the database"), refused.get(0).reason());
        Caller.admin().queryParam("event_type", type).get("/api/audit").then().body("total", equalTo(2))
                .body("entries.id", equalTo(List.of(type + "-d", type + "-a")));
        Caller.admin().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true));
    }
}
