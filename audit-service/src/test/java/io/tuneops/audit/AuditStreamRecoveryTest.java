package io.tuneops.audit;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.audit.service.StreamConsumer;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.tuneops.audit.AuditTestSupport.awaitStored;
import static io.tuneops.audit.AuditTestSupport.awaitTrue;
import static org.hamcrest.Matchers.equalTo;

/**
 * Stream entries that vanish while pending: deleted (XDEL) or trimmed after a consumer was given
 * them and before it acknowledged them. Redis then delivers their ids without fields; the
 * consumer must clear them and read on. Pending entries are claimed after 1 s here, not 30 s.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@TestProfile(AuditStreamRecoveryTest.QuickReclaim.class)
class AuditStreamRecoveryTest {

    public static class QuickReclaim implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.audit.reclaim-after", "1s");
        }
    }

    private static final String STREAM = "tuneops:audit:events";

    /**
     * Appends an event, has a consumer that then dies take it, and deletes it while pending: in one
     * script, so the service's own consumer cannot read it first. Returns its stream id.
     */
    private static final String DELIVERED_THEN_DELETED = """
            local id = redis.call('XADD', KEYS[1], '*', 'event', ARGV[1])
            redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', '100000', 'STREAMS', KEYS[1], '>')
            if #redis.call('XPENDING', KEYS[1], ARGV[2], id, id, 1) ~= 1 then
                return redis.error_reply('the entry did not become pending')
            end
            redis.call('XDEL', KEYS[1], id)
            return id""";

    @Inject
    RedisDataSource redis;

    private String event(String id, String type) {
        return new io.vertx.core.json.JsonObject().put("id", id).put("time", Instant.now().toString()).put("type", type)
                .put("actor", "a").put("details", Map.of()).encode();
    }

    private boolean pending(String streamId) {
        return !redis.stream(String.class).xpending(STREAM, StreamConsumer.GROUP, StreamRange.of(streamId, streamId), 10)
                .isEmpty();
    }

    @Test
    void anEntryDeletedWhilePendingIsAcknowledgedAndLaterEventsAreStillStored() {
        String type = "test.gone." + UUID.randomUUID().toString().substring(0, 8);
        String gone = redis.execute("EVAL", DELIVERED_THEN_DELETED, "1", STREAM, event("gone-" + type, type),
                StreamConsumer.GROUP, "consumer-that-died").toString();
        // claimed by the service once idle for 1 s, delivered without fields, and acknowledged
        awaitTrue(() -> !pending(gone), "the deleted entry " + gone + " is still pending");

        redis.stream(String.class).xadd(STREAM, Map.of("event", event("after-" + type, type)));
        awaitStored("after-" + type, type);
        Caller.admin().queryParam("event_type", type).get("/api/audit").then().statusCode(200)
                .body("total", equalTo(1)).body("entries[0].id", equalTo("after-" + type));
    }
}
