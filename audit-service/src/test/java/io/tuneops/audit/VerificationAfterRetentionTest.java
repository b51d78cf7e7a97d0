package io.tuneops.audit;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.audit.service.AuditQueries;
import io.tuneops.audit.service.AuditQueries.RangeEnd;
import io.tuneops.audit.service.ChainVerifier;
import io.tuneops.audit.service.Checkpoints;
import io.tuneops.audit.service.Retention;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tuneops.audit.AuditTestSupport.awaitStored;
import static io.tuneops.audit.AuditTestSupport.awaitTrue;
import static io.tuneops.audit.AuditTestSupport.connect;
import static io.tuneops.audit.AuditTestSupport.sql;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verification of a chain retention has cut: emptied, or cut while the verification was reading it. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class VerificationAfterRetentionTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Retention retention;

    @Inject
    Checkpoints checkpoints;

    @Inject
    AuditQueries queries;

    @Inject
    Pool pool;

    private void append(String id, String type) {
        String event = new io.vertx.core.json.JsonObject().put("id", id).put("time", Instant.now().toString())
                .put("type", type).put("actor", "a").put("details", Map.of()).encode();
        redis.stream(String.class).xadd("tuneops:audit:events", Map.of("event", event));
    }

    @Test
    void afterRetentionDeletedEveryEntryTheChainVerifiesFromItsSignedCheckpoint() throws SQLException {
        String type = "test.emptied." + UUID.randomUUID().toString().substring(0, 8);
        append("e-" + type, type);
        awaitStored("e-" + type, type);
        assertTrue(retention.applyAt(OffsetDateTime.now().plusSeconds(1)).await().atMost(Duration.ofSeconds(10)) >= 1);
        Caller.admin().get("/api/audit").then().statusCode(200).body("entries.size()", equalTo(0));

        Caller.admin().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true))
                .body("entries_checked", equalTo(0)).body("first_broken_link", equalTo(null));

        // with nothing stored, the head must still be the one retention signed
        String saved = "audit.saved_head_" + type.replaceAll("[^a-z0-9]", "_");
        sql("CREATE TABLE " + saved + " AS SELECT * FROM audit.chain_head");
        sql("UPDATE audit.chain_head SET head_hash = decode(repeat('ab', 32), 'hex')");
        try {
            Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(false))
                    .body("first_broken_link.reason", containsString("signed checkpoint"));
        } finally {
            sql("UPDATE audit.chain_head h SET head_hash = s.head_hash FROM " + saved + " s");
            sql("DROP TABLE " + saved);
        }
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true));

        // an entry deleted past the last checkpoint, without retention, leaves nothing that vouches for it
        append("f-" + type, type);
        long seq = awaitStored("f-" + type, type);
        String row = "audit.saved_row_" + type.replaceAll("[^a-z0-9]", "_");
        sql("CREATE TABLE " + row + " AS SELECT * FROM audit.entries WHERE seq = " + seq);
        sql("DELETE FROM audit.entries WHERE seq = " + seq);
        try {
            Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(false))
                    .body("first_broken_link.seq", equalTo((int) seq))
                    .body("first_broken_link.reason", containsString("missing"));
        } finally {
            sql("INSERT INTO audit.entries SELECT * FROM " + row);
            sql("DROP TABLE " + row);
        }
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true)).body("entries_checked", equalTo(1));
    }

    @Test
    void retentionCommittedWhileAVerificationReadsIsNotMistakenForTampering() throws Exception {
        String type = "test.racing." + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            append("r-" + type + "-" + i, type);
        }
        long last = awaitStored("r-" + type + "-2", type);
        long cut = last - 1;
        // what retention signs first: the last entry it is about to delete
        checkpoints.write(pool, cut, entryHash(cut), "retention").await().atMost(Duration.ofSeconds(10));

        try (Connection retentionRun = connect(); Connection observer = connect()) {
            // the retention run holds the checkpoints: a verification reading them waits for its commit
            retentionRun.setAutoCommit(false);
            try (Statement st = retentionRun.createStatement()) {
                st.execute("LOCK TABLE audit.checkpoints IN ACCESS EXCLUSIVE MODE");
                CompletableFuture<ChainVerifier.Result> verified = queries.verify(RangeEnd.OPEN, RangeEnd.OPEN)
                        .subscribeAsCompletionStage();
                awaitTrue(() -> waitingOnCheckpoints(observer), "the verification never came to the checkpoints");
                st.executeUpdate("UPDATE audit.type_counts t SET entries = t.entries - d.n FROM (SELECT type, count(*) AS n "
                        + "FROM audit.entries WHERE seq <= " + cut + " GROUP BY type) d WHERE t.type = d.type");
                st.executeUpdate("DELETE FROM audit.entries WHERE seq <= " + cut);
                retentionRun.commit();
                ChainVerifier.Result result = verified.get(10, TimeUnit.SECONDS);
                assertTrue(result.valid(), result.toString());
            }
        }
        Caller.admin().get("/api/audit/verify").then().body("valid", equalTo(true))
                .body("from_seq", equalTo((int) (cut + 1))).body("entries_checked", equalTo(1));
    }

    private static byte[] entryHash(long seq) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT entry_hash FROM audit.entries WHERE seq = " + seq)) {
            assertTrue(rs.next(), "no entry " + seq);
            return rs.getBytes(1);
        }
    }

    /** Whether a statement reading audit.checkpoints is waiting for a lock. */
    private static boolean waitingOnCheckpoints(Connection observer) {
        try (Statement st = observer.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                     + "AND query LIKE '%FROM audit.checkpoints%' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
