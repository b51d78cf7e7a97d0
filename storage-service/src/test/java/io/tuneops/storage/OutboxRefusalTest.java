package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.support.notify.NotificationStandIn;
import io.tuneops.support.notify.NotificationStandIn.Received;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An event webhook-service refuses (here a type the stand-in answers 400, as a webhook-service older
 * than the type would) holds up nothing: the events written after it are relayed at once, a batch
 * full of refused rows does not stop the relay from reaching the rows behind it, and a refused row
 * is offered again on its own schedule until it is set aside after a bounded number of refusals.
 * The relay's backoff is a minute here, far beyond the waits below, so an event that arrives was
 * not held behind a backoff; the refused rows are offered again every 200 ms.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(value = NotificationStandIn.class, initArgs = {
        @ResourceArg(name = "tuneops.outbox-relay.batch-size", value = "3"),
        @ResourceArg(name = "tuneops.outbox-relay.backoff-initial", value = "1m"),
        @ResourceArg(name = "tuneops.outbox-relay.backoff-max", value = "1m"),
        @ResourceArg(name = "tuneops.outbox-relay.refused-retry-initial", value = "200ms"),
        @ResourceArg(name = "tuneops.outbox-relay.refused-retry-max", value = "200ms"),
        @ResourceArg(name = "tuneops.outbox-relay.refusals-max", value = "3")})
class OutboxRefusalTest {

    private static final String UNKNOWN_TYPE = "test.type_from_the_future";
    private static final int BATCH = 3;
    private static final int REFUSALS_MAX = 3;

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    private final List<String> inserted = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        NotificationStandIn.refuse(UNKNOWN_TYPE, false);
        pool.preparedQuery("DELETE FROM storage.notification_outbox WHERE event_id = ANY($1)")
                .execute(Tuple.of(inserted.toArray(new String[0]))).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aRefusedEventDoesNotDelayTheEventsAfterIt() {
        NotificationStandIn.refuse(UNKNOWN_TYPE, true);
        String refused = insertUnknown();
        // the first upload's write wakes the relay, whose pass meets the refused row first
        String first = upload();
        NotificationStandIn.awaitAccepted(first);
        assertEquals(400, NotificationStandIn.awaitReceived(refused, 1).get(0).status());

        // a refusal is no failure of webhook-service: the next write is relayed at once, not after a backoff
        String next = upload();
        NotificationStandIn.awaitAccepted(next);
        NotificationStandIn.awaitTrue(() -> outboxRow(next) == null, "the accepted event stayed in the outbox");
        Row row = outboxRow(refused);
        assertTrue(row != null && row.getInteger("refusals") >= 1, "the refused event is kept and counted: " + row);
        assertTrue(row.getString("last_refusal").startsWith("HTTP 400"), row.getString("last_refusal"));
    }

    @Test
    void aBatchOfRefusedEventsDoesNotBlockTheOutboxAndEachIsSetAsideAfterItsLastRefusal() {
        NotificationStandIn.refuse(UNKNOWN_TYPE, true);
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            refused.add(insertUnknown());
        }
        // older than the upload's event, the refused rows fill the first batch the relay reads
        String behind = upload();
        NotificationStandIn.awaitAccepted(behind);

        for (String eventId : refused) {
            NotificationStandIn.awaitTrue(() -> {
                Row row = outboxRow(eventId);
                return row != null && row.getValue("set_aside_at") != null;
            }, eventId + " was never set aside");
            Row row = outboxRow(eventId);
            assertEquals(REFUSALS_MAX, row.getInteger("refusals"));
            // set aside in the transaction of its last refusal, so no offer follows it
            List<Received> offers = NotificationStandIn.received(eventId);
            assertEquals(REFUSALS_MAX, offers.size(), "offered until set aside, and not after: " + offers);
            assertTrue(offers.stream().allMatch(r -> r.status() == 400), offers.toString());
        }

        // set aside, they stay out of the way: a new event still goes at once
        String later = upload();
        NotificationStandIn.awaitAccepted(later);
        refused.forEach(eventId -> assertEquals(REFUSALS_MAX, NotificationStandIn.received(eventId).size()));
    }

    /** A row of a type the stand-in refuses, inserted as a service's write would (without waking the relay). */
    private String insertUnknown() {
        String eventId = "evt_test_refused_" + UUID.randomUUID();
        inserted.add(eventId);
        JsonObject payload = new JsonObject().put("event_id", eventId).put("event_type", UNKNOWN_TYPE)
                .put("occurred_at", "2030-01-01T00:00:00Z").put("data", new JsonObject());
        pool.preparedQuery("INSERT INTO storage.notification_outbox (event_id, payload) VALUES ($1, $2::text::jsonb)")
                .execute(Tuple.of(eventId, payload.encode())).await().atMost(Duration.ofSeconds(10));
        return eventId;
    }

    /** A job's first object, whose write queues its upload.completed event and wakes the relay; the event's id. */
    private String upload() {
        Credential c = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "model.safetensors"), RequestBody.fromString("x"));
        }
        String eventId = "evt_upload_first_" + c.jobId();
        inserted.add(eventId);
        return eventId;
    }

    private Row outboxRow(String eventId) {
        var rows = pool.preparedQuery("SELECT refusals, last_refusal, set_aside_at FROM storage.notification_outbox WHERE event_id = $1")
                .execute(Tuple.of(eventId)).await().atMost(Duration.ofSeconds(10));
        return rows.size() == 0 ? null : rows.iterator().next();
    }
}
