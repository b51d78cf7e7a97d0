package io.tuneops.webhook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** What the notification tests share: events handed in as another service's relay does, endpoints, delivery rows. */
final class NotifyFixtures {

    private static final Random RANDOM = new Random();

    private NotifyFixtures() {
    }

    static String id(String prefix) {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    /** An event through POST /internal/notifications/events; its id. */
    static String ingest(JsonObject event) {
        String eventId = event.getString("event_id", id("evt_test"));
        Caller.as("service:storage", "").body(event.copy().put("event_id", eventId).encode())
                .post("/internal/notifications/events").then().statusCode(202);
        return eventId;
    }

    static JsonObject event(String type, String userId) {
        return new JsonObject().put("event_type", type).put("user_id", userId).put("job_id", id("job"))
                .put("data", new JsonObject().put("name", "fine-tune " + type).put("provider", "generic")
                        .put("hardware", "gpu-a100").put("status", "failed").put("error", "CUDA out of memory")
                        .put("cost_usd", 1.5));
    }

    /** A Standard Webhooks endpoint subscribed to {@code types}: its id and its generated secret. */
    static JsonObject endpoint(String url, String... types) {
        return new JsonObject(Caller.admin().body(new JsonObject().put("url", url).put("event_types", new JsonArray(List.of(types)))
                .encode()).post("/api/webhooks").then().statusCode(201).extract().asString());
    }

    /** The delivery of an event on a channel, as stored (null when there is none). */
    static Row delivery(Pool pool, String eventId, String channelId) {
        var rows = pool.preparedQuery("SELECT * FROM webhook.notification_delivery WHERE event_id = $1 AND channel_id = $2")
                .execute(Tuple.of(eventId, channelId)).await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    static String status(Pool pool, String eventId, String channelId) {
        Row row = delivery(pool, eventId, channelId);
        return row == null ? null : row.getString("status");
    }
}
