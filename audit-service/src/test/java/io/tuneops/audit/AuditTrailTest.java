package io.tuneops.audit;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static io.tuneops.audit.AuditTestSupport.sql;
import static io.tuneops.audit.AuditTestSupport.verifications;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class AuditTrailTest {

    @Inject
    RedisDataSource redis;

    private String append(String id, String type, String actor, String actorIp, Map<String, Object> details) {
        String event = new io.vertx.core.json.JsonObject().put("id", id).put("time", Instant.now().toString())
                .put("type", type).put("actor", actor).put("actor_ip", actorIp).put("target_type", "route")
                .put("target_id", "GET /x").put("action", "reject").put("details", details).encode();
        redis.stream(String.class).xadd("tuneops:audit:events", Map.of("event", event));
        return id;
    }

    /** Waits (bounded) until the entry with this id is queryable; returns its seq. */
    private long awaitStored(String id, String type) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Response r = Caller.admin().queryParam("event_type", type).queryParam("limit", 1000).get("/api/audit");
            List<String> ids = r.jsonPath().getList("entries.id");
            int i = ids.indexOf(id);
            if (i >= 0) {
                return r.jsonPath().getLong("entries[" + i + "].seq");
            }
        }
        throw new AssertionError("event " + id + " was never stored");
    }

    @Test
    void eventsFromTheStreamAreStoredAndQueryableNewestFirstWithFilters() {
        String type = "test.query." + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            append("q-" + type + "-" + i, type, i % 2 == 0 ? "key_even" : "key_odd", "198.51.100." + i, Map.of("n", i));
        }
        awaitStored("q-" + type + "-4", type);
        Response all = Caller.admin().queryParam("event_type", type).get("/api/audit");
        all.then().statusCode(200).body("total", equalTo(5)).body("has_more", equalTo(false))
                .body("entries[0].id", equalTo("q-" + type + "-4")).body("entries[4].id", equalTo("q-" + type + "-0"))
                .body("entries[0].details.n", equalTo(4));
        Caller.admin().queryParam("event_type", type).queryParam("actor", "key_even").get("/api/audit").then()
                .body("total", equalTo(3)).body("entries.actor", everyItem(equalTo("key_even")));
        Caller.admin().queryParam("event_type", type).queryParam("actor_ip", "198.51.100.3").get("/api/audit").then()
                .body("total", equalTo(1));
        Caller.admin().queryParam("event_type", type).queryParam("since", Instant.now().plusSeconds(60).toString())
                .get("/api/audit").then().body("total", equalTo(0));

        // keyset pages of two: 2 + 2 + 1, no overlap
        Response first = Caller.admin().queryParam("event_type", type).queryParam("limit", 2).get("/api/audit");
        first.then().body("entries.size()", equalTo(2)).body("has_more", equalTo(true));
        Response second = Caller.admin().queryParam("event_type", type).queryParam("limit", 2)
                .queryParam("cursor", first.jsonPath().getString("next_cursor")).get("/api/audit");
        second.then().body("entries[0].id", equalTo("q-" + type + "-2"));
        Response third = Caller.admin().queryParam("event_type", type).queryParam("limit", 2)
                .queryParam("cursor", second.jsonPath().getString("next_cursor")).get("/api/audit");
        third.then().body("entries.size()", equalTo(1)).body("has_more", equalTo(false)).body("next_cursor", equalTo(null));

        Caller.admin().get("/api/audit/stats").then().statusCode(200).body("by_type.'" + type + "'", equalTo(5));
    }

    @Test
    void aRedeliveredEventIsStoredOnce() {
        String type = "test.dup." + UUID.randomUUID().toString().substring(0, 8);
        String id = "dup-" + type;
        append(id, type, "a", "198.51.100.1", Map.of());
        append(id, type, "a", "198.51.100.1", Map.of());
        append("after-" + type, type, "a", "198.51.100.1", Map.of());
        awaitStored("after-" + type, type);
        Caller.admin().queryParam("event_type", type).get("/api/audit").then().body("total", equalTo(2));
    }

    @Test
    void anEventThatDoesNotFitIsSetAsideWithoutBlockingTheOthers() {
        String type = "test.bad." + UUID.randomUUID().toString().substring(0, 8);
        redis.stream(String.class).xadd("tuneops:audit:events", Map.of("event", "{not json"));
        redis.stream(String.class).xadd("tuneops:audit:events", Map.of("event", "{\"type\":\"no-id\"}"));
        append("good-" + type, type, "a", null, Map.of());
        awaitStored("good-" + type, type);
        assertTrue(redis.stream(String.class).xlen("tuneops:audit:rejected") >= 2);
    }

    @Test
    void theChainVerifiesAndEveryKindOfTamperingIsDetected() throws SQLException {
        String type = "test.chain." + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 4; i++) {
            append("c-" + type + "-" + i, type, "actor-" + i, "198.51.100." + i, Map.of("i", i, "x", 1.50));
        }
        long last = awaitStored("c-" + type + "-3", type);
        long firstSeq = last - 3;
        double validBefore = verifications("valid");
        double brokenBefore = verifications("broken");
        Caller.admin().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true));
        Caller.admin().queryParam("from", firstSeq).queryParam("to", last).get("/api/audit/verify").then()
                .body("valid", equalTo(true)).body("entries_checked", equalTo(4));

        long victim = firstSeq + 1;
        // an edited field
        sql("UPDATE audit.entries SET actor = 'someone-else' WHERE seq = " + victim);
        Caller.admin().queryParam("from", firstSeq).queryParam("to", last).get("/api/audit/verify").then()
                .body("valid", equalTo(false)).body("first_broken_link.seq", equalTo((int) victim))
                .body("first_broken_link.reason", containsString("entry_hash"));
        sql("UPDATE audit.entries SET actor = 'actor-1' WHERE seq = " + victim);
        Caller.admin().queryParam("from", firstSeq).queryParam("to", last).get("/api/audit/verify").then()
                .body("valid", equalTo(true));

        // an edited detail
        sql("UPDATE audit.entries SET details = jsonb_set(details, '{i}', '7') WHERE seq = " + victim);
        Caller.admin().queryParam("from", firstSeq).queryParam("to", last).get("/api/audit/verify").then()
                .body("valid", equalTo(false)).body("first_broken_link.seq", equalTo((int) victim));
        sql("UPDATE audit.entries SET details = jsonb_set(details, '{i}', '1') WHERE seq = " + victim);

        // two rows swapped (every column but seq)
        sql("UPDATE audit.entries a SET event_id = b.event_id || '#', actor = b.actor, actor_ip = b.actor_ip, details = b.details, "
                + "previous_hash = b.previous_hash, entry_hash = b.entry_hash FROM audit.entries b "
                + "WHERE a.seq = " + victim + " AND b.seq = " + (victim + 1));
        Caller.admin().queryParam("from", firstSeq).queryParam("to", last).get("/api/audit/verify").then()
                .body("valid", equalTo(false)).body("first_broken_link.seq", equalTo((int) victim));
        sql("UPDATE audit.entries SET event_id = 'c-" + type + "-1', actor = 'actor-1', actor_ip = '198.51.100.1', "
                + "details = '{\"i\": 1, \"x\": 1.5}', previous_hash = (SELECT entry_hash FROM audit.entries WHERE seq = " + (victim - 1) + "), "
                + "entry_hash = (SELECT previous_hash FROM audit.entries WHERE seq = " + (victim + 1) + ") WHERE seq = " + victim);
        Caller.admin().queryParam("from", firstSeq).queryParam("to", last).get("/api/audit/verify").then()
                .body("valid", equalTo(true));

        // a deleted row
        sql("CREATE TABLE audit.saved_" + victim + " AS SELECT * FROM audit.entries WHERE seq = " + victim);
        sql("DELETE FROM audit.entries WHERE seq = " + victim);
        Caller.admin().queryParam("from", firstSeq).queryParam("to", last).get("/api/audit/verify").then()
                .body("valid", equalTo(false)).body("first_broken_link.seq", equalTo((int) victim))
                .body("first_broken_link.reason", containsString("missing"));
        sql("INSERT INTO audit.entries SELECT * FROM audit.saved_" + victim);
        sql("DROP TABLE audit.saved_" + victim);
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true));

        // every verification is counted by result (the AuditChainBroken alert reads the broken ones)
        assertEquals(validBefore + 5, verifications("valid"));
        assertEquals(brokenBefore + 4, verifications("broken"));
    }

    @Test
    void invalidParametersAre400NamingTheParameter() {
        Caller.admin().queryParam("limit", 0).get("/api/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        Caller.admin().queryParam("limit", "lots").get("/api/audit").then().statusCode(400);
        Caller.admin().queryParam("since", "yesterday").get("/api/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("since")).body("detail", containsString("since"));
        Caller.admin().queryParam("cursor", "!!!").get("/api/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
        Caller.admin().queryParam("event_type", "a b").get("/api/audit").then().statusCode(400);
        Caller.admin().queryParam("to", "not-a-time").get("/api/audit/verify").then().statusCode(400);
        Caller.admin().get("/api/audit/types").then().statusCode(200).body("types.type", hasItem("rate_limited"));
    }

    @Test
    void aControlCharacterInATextFilterIs400NamingTheFilter() {
        for (String field : List.of("actor", "actor_id", "actor_ip", "target_type", "target_id")) {
            Caller.admin().queryParam(field, "a\u0000b").get("/api/audit").then().statusCode(400)
                    .body("errors[0].field", equalTo(field)).body("detail", containsString(field));
        }
        Caller.admin().queryParam("target_id", "a\nb").get("/api/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("target_id"));
        Caller.admin().queryParam("target_id", "GET /x").get("/api/audit").then().statusCode(200);
    }

    @Test
    void theOriginalCliPagesWithOffsetAndFiltersWithActorId() {
        String type = "test.offset." + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            append("o-" + type + "-" + i, type, i % 2 == 0 ? "key_even" : "key_odd", null, Map.of());
        }
        awaitStored("o-" + type + "-4", type);
        Caller.admin().queryParam("event_type", type).queryParam("limit", 2).queryParam("offset", 2).get("/api/audit")
                .then().statusCode(200).body("entries.id", equalTo(List.of("o-" + type + "-2", "o-" + type + "-1")))
                .body("total", equalTo(5)).body("has_more", equalTo(true));
        Caller.admin().queryParam("event_type", type).queryParam("limit", 2).queryParam("offset", 4).get("/api/audit")
                .then().body("entries.id", equalTo(List.of("o-" + type + "-0"))).body("has_more", equalTo(false));
        Caller.admin().queryParam("event_type", type).queryParam("offset", 5).get("/api/audit")
                .then().statusCode(200).body("entries.size()", equalTo(0)).body("total", equalTo(5));

        // a cursor wins over the offset: the page after the first one, whatever the offset says
        String cursor = Caller.admin().queryParam("event_type", type).queryParam("limit", 2).get("/api/audit")
                .jsonPath().getString("next_cursor");
        Caller.admin().queryParam("event_type", type).queryParam("limit", 2).queryParam("cursor", cursor)
                .queryParam("offset", 3).get("/api/audit")
                .then().body("entries.id", equalTo(List.of("o-" + type + "-2", "o-" + type + "-1")));

        Caller.admin().queryParam("event_type", type).queryParam("offset", -1).get("/api/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("offset")).body("detail", containsString("offset"));
        Caller.admin().queryParam("event_type", type).queryParam("offset", "two").get("/api/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("offset"));

        Caller.admin().queryParam("event_type", type).queryParam("actor_id", "key_even").get("/api/audit").then()
                .statusCode(200).body("total", equalTo(3)).body("entries.actor", everyItem(equalTo("key_even")));
        Caller.admin().queryParam("event_type", type).queryParam("actor_id", "key_odd").queryParam("actor", "key_odd")
                .get("/api/audit").then().statusCode(200).body("total", equalTo(2));
        Caller.admin().queryParam("event_type", type).queryParam("actor_id", "key_odd").queryParam("actor", "key_even")
                .get("/api/audit").then().statusCode(400).body("errors[0].field", equalTo("actor_id"));

        // and reads entries, figures and types under its own names too
        Caller.admin().queryParam("event_type", type).queryParam("limit", 1).get("/api/audit").then()
                .body("entries[0].event_type", equalTo(type)).body("entries[0].actor_id", equalTo("key_even"))
                .body("entries[0].timestamp", equalTo(Caller.admin().queryParam("event_type", type).queryParam("limit", 1)
                        .get("/api/audit").jsonPath().getString("entries[0].time")))
                .body("entries[0].actor_username", nullValue());
        io.restassured.path.json.JsonPath stats = Caller.admin().get("/api/audit/stats").then().statusCode(200).extract().jsonPath();
        assertEquals(stats.getLong("total"), stats.getLong("total_entries"));
        assertTrue(Instant.parse(stats.getString("first_entry")).compareTo(Instant.parse(stats.getString("last_entry"))) <= 0);
        Caller.admin().get("/api/audit/types").then().statusCode(200).body("event_types.value", hasItem("rate_limited"))
                .body("event_types.name", hasItem("a client exceeded a rate limit"));
    }

    @Test
    void internalFiguresNeedTheInternalSecret() {
        String type = "test.figures." + UUID.randomUUID().toString().substring(0, 8);
        append("f-" + type, type, "a", null, Map.of());
        awaitStored("f-" + type, type);
        RestAssured.get("/internal/audit/figures").then().statusCode(403);
        RestAssured.given().header("X-Tuneops-Gateway-Secret", "wrong").get("/internal/audit/figures").then().statusCode(403);
        RestAssured.given().header("X-Tuneops-Gateway-Secret", "test-only-internal-secret-0123456789abcdef")
                .get("/internal/audit/figures").then().statusCode(200)
                .body("entries_by_type.'" + type + "'", equalTo(1))
                .body("entries_total", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("entries_24h", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }

    @Inject
    io.tuneops.audit.repository.EntryRepository repository;

    @Test
    void concurrentWritersStillMakeOneChainInOneOrder() {
        // what two audit-service replicas do at once: two transactions appending at the same time
        String type = "test.concurrent." + UUID.randomUUID().toString().substring(0, 8);
        List<io.smallrye.mutiny.Uni<Integer>> writers = new java.util.ArrayList<>();
        for (int w = 0; w < 4; w++) {
            List<io.tuneops.audit.service.IncomingEvent> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(new io.tuneops.audit.service.IncomingEvent(type + "-" + w + "-" + i,
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), type, "w" + w, null, null, null,
                        null, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));
            }
            writers.add(repository.append(batch));
        }
        List<Integer> added = io.smallrye.mutiny.Uni.join().all(writers).andFailFast().await().indefinitely();
        assertEquals(200, added.stream().mapToInt(Integer::intValue).sum());
        Caller.admin().queryParam("event_type", type).get("/api/audit").then().body("total", equalTo(200));
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true));
    }

    @Inject
    io.tuneops.audit.service.Checkpoints checkpoints;

    @Inject
    io.tuneops.audit.service.Retention retention;

    @Test
    void cuttingOffTheEndAndRewritingTheHeadIsDetectedBySignedCheckpoints() throws SQLException {
        String type = "test.trunc." + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            append("t-" + type + "-" + i, type, "a", null, Map.of());
        }
        long last = awaitStored("t-" + type + "-2", type);
        assertTrue(checkpoints.checkpointHead().await().indefinitely() != null);
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true));

        // an attacker deletes the last two entries and points the head at what is left
        sql("CREATE TABLE audit.saved_tail AS SELECT * FROM audit.entries WHERE seq > " + (last - 2));
        sql("CREATE TABLE audit.saved_head AS SELECT * FROM audit.chain_head");
        sql("DELETE FROM audit.entries WHERE seq > " + (last - 2));
        sql("UPDATE audit.chain_head SET seq = " + (last - 2) + ", head_hash = (SELECT entry_hash FROM audit.entries WHERE seq = "
                + (last - 2) + ")");
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(false))
                .body("first_broken_link.reason", containsString("cut off"));
        sql("INSERT INTO audit.entries SELECT * FROM audit.saved_tail");
        sql("UPDATE audit.chain_head SET seq = s.seq, head_hash = s.head_hash FROM audit.saved_head s");
        sql("DROP TABLE audit.saved_tail");
        sql("DROP TABLE audit.saved_head");
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true));

        // a forged checkpoint (no key to sign with)
        sql("UPDATE audit.checkpoints SET entry_count = entry_count + 1 WHERE seq = " + last);
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(false))
                .body("first_broken_link.reason", containsString("signature"));
        sql("UPDATE audit.checkpoints SET entry_count = entry_count - 1 WHERE seq = " + last);
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true));
    }

    @Test
    void retentionDeletesOldEntriesAndWhatRemainsStillVerifies() {
        String type = "test.retention." + UUID.randomUUID().toString().substring(0, 8);
        append("r-" + type + "-old", type, "a", null, Map.of());
        awaitStored("r-" + type + "-old", type);
        long deleted = retention.applyAt(java.time.OffsetDateTime.now().plusSeconds(1)).await().indefinitely();
        assertTrue(deleted >= 1, "deleted " + deleted);
        Caller.admin().queryParam("event_type", type).get("/api/audit").then().body("total", equalTo(0));
        append("r-" + type + "-new", type, "a", null, Map.of());
        awaitStored("r-" + type + "-new", type);
        Caller.admin().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true))
                .body("entries_checked", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }
}
