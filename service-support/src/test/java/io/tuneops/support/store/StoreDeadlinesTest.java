package io.tuneops.support.store;

import io.smallrye.mutiny.Uni;
import io.tuneops.local.LocalServers;
import io.tuneops.local.SharedServers;
import io.tuneops.local.testing.PausableRelay;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every store call ends by its deadline, and a transaction that missed it is rolled back, never committed later. */
class StoreDeadlinesTest {

    private static final Duration DEADLINE = Duration.ofMillis(400);
    private static final StoreDeadlines DEADLINES = new StoreDeadlines(DEADLINE, DEADLINE, DEADLINE);

    private static Vertx vertx;
    private static PausableRelay relay;
    private static Pool direct;

    @BeforeAll
    static void start() {
        LocalServers servers = SharedServers.get();
        vertx = Vertx.vertx();
        relay = PausableRelay.to(servers.postgresPort());
        direct = pool(servers.postgresPort());
        direct.query("CREATE TABLE IF NOT EXISTS deadline_test (id text PRIMARY KEY)").execute().await().indefinitely();
    }

    @AfterAll
    static void stop() {
        relay.close();
        direct.close().await().indefinitely();
        vertx.close().await().indefinitely();
    }

    /** One connection, so that the next statement on it runs only after the transaction before it has ended. */
    private static Pool pool(int port) {
        return Pool.newInstance(PgBuilder.pool()
                .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setDatabase(LocalServers.DATABASE).setUser(LocalServers.USER))
                .with(new PoolOptions().setMaxSize(1))
                .using(vertx.getDelegate()).build());
    }

    @Test
    void aCallThatNeverAnswersFailsAtItsDeadlineNamingTheStore() {
        long start = System.nanoTime();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> DEADLINES.redis(Uni.createFrom().nothing()).await().atMost(Duration.ofSeconds(5)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs >= DEADLINE.toMillis() && tookMs < DEADLINE.toMillis() + 1000, "took " + tookMs + " ms");
        assertEquals(Store.REDIS, e.store());
        assertEquals(StoreUnavailableException.Reason.NOT_ANSWERING, e.reason());
        assertEquals("Redis is not answering (no answer within 400 ms)", e.getMessage());
    }

    @Test
    void aRefusedConnectionSaysWhichStoreCannotBeReached() {
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> DEADLINES.database(Uni.createFrom().failure(new ConnectException("Connection refused")))
                        .await().atMost(Duration.ofSeconds(5)));
        assertEquals("the database (PostgreSQL) cannot be reached", e.getMessage());
        // a failure that is not the store's passes unchanged
        assertThrows(IllegalArgumentException.class, () -> DEADLINES.database(
                Uni.createFrom().failure(new IllegalArgumentException("bad"))).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void aRedisFailureInsideADatabaseCallKeepsNamingRedis() {
        // e.g. the audit append before a COMMIT, wrapped by the caller to say which step failed
        RuntimeException step = new IllegalStateException("audit step",
                StoreUnavailableException.unreachable(Store.REDIS, new ConnectException("Connection refused")));
        RuntimeException e = assertThrows(IllegalStateException.class,
                () -> DEADLINES.database(Uni.createFrom().failure(step)).await().atMost(Duration.ofSeconds(5)));
        assertEquals(step, e);
    }

    @Test
    void aTransactionCommitsWhenTheDatabaseAnswers() {
        Pool pool = pool(relay.port());
        try {
            String id = UUID.randomUUID().toString();
            String answer = DEADLINES.transaction(pool, c -> c.preparedQuery("INSERT INTO deadline_test VALUES ($1)")
                    .execute(Tuple.of(id)).map(rows -> "done")).await().atMost(Duration.ofSeconds(5));
            assertEquals("done", answer);
            assertEquals(1L, count(id));
        } finally {
            pool.closeAndAwait();
        }
    }

    @Test
    void aLastStepIsToldWhetherTheTransactionCommittedAfterIt() throws Exception {
        Pool pool = pool(relay.port());
        try {
            String kept = UUID.randomUUID().toString();
            Outcomes told = new Outcomes();
            String answer = DEADLINES.transaction(pool, c -> c.preparedQuery("INSERT INTO deadline_test VALUES ($1)")
                    .execute(Tuple.of(kept)).map(rows -> kept), told.step(Duration.ZERO)).await().atMost(Duration.ofSeconds(5));
            assertEquals(kept, answer);
            assertEquals(1L, count(kept));
            // the answer comes once what the step left for after the COMMIT is done
            assertEquals("committed " + kept + " and finished", told.toString());

            // a step that takes longer than the time left before the COMMIT had to go out
            String undone = UUID.randomUUID().toString();
            Outcomes late = new Outcomes();
            assertThrows(StoreUnavailableException.class, () -> DEADLINES.transaction(pool,
                    c -> c.preparedQuery("INSERT INTO deadline_test VALUES ($1)").execute(Tuple.of(undone)).map(rows -> undone),
                    late.step(DEADLINE)).await().atMost(Duration.ofSeconds(5)));
            // the caller's answer came at its deadline; the transaction runs on to its end
            assertEquals("not committed (ROLLING_BACK) " + undone, late.ended.get(5, TimeUnit.SECONDS));
            assertEquals(0L, count(undone));
        } finally {
            pool.closeAndAwait();
        }
    }

    @Test
    void aLastStepIsToldWhenTheCommitItselfFailed() throws Exception {
        // a deferred constraint trigger refuses these rows only at COMMIT, as a serialization
        // failure or a connection lost at that moment would fail it
        direct.query("""
                CREATE OR REPLACE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.id LIKE 'refused-%' THEN
                        RAISE EXCEPTION 'refused at commit';
                    END IF;
                    RETURN NEW;
                END $$""").execute().await().atMost(Duration.ofSeconds(5));
        direct.query("DROP TRIGGER IF EXISTS refuse_at_commit ON deadline_test").execute().await().atMost(Duration.ofSeconds(5));
        direct.query("CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON deadline_test DEFERRABLE INITIALLY DEFERRED"
                + " FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()").execute().await().atMost(Duration.ofSeconds(5));
        Pool pool = pool(relay.port());
        try {
            String refused = "refused-" + UUID.randomUUID();
            // told with the connection back in the pool (of one): a step can take it to look again
            CompletableFuture<String> told = new CompletableFuture<>();
            LastStep<String> step = new LastStep<>() {
                @Override
                public Uni<?> apply(String result, Duration left) {
                    return Uni.createFrom().voidItem();
                }

                @Override
                public Uni<?> notCommitted(String result, LastStep.Ending how) {
                    return pool.preparedQuery("SELECT count(*) FROM deadline_test WHERE id = $1").execute(Tuple.of(result))
                            .invoke(rows -> told.complete(how + ", rows: " + rows.iterator().next().getLong(0)));
                }
            };
            assertThrows(PgException.class, () -> DEADLINES.transaction(pool,
                    c -> c.preparedQuery("INSERT INTO deadline_test VALUES ($1)").execute(Tuple.of(refused)).map(rows -> refused),
                    step).await().atMost(Duration.ofSeconds(5)));
            assertEquals("COMMIT_FAILED, rows: 0", told.getNow("not told by the time the caller was answered"));
            assertEquals(0L, count(refused));
        } finally {
            pool.closeAndAwait();
            direct.query("DROP TRIGGER IF EXISTS refuse_at_commit ON deadline_test").execute().await().atMost(Duration.ofSeconds(5));
        }
    }

    /** A last step that records what it was told; it takes {@code taking} itself. */
    private static final class Outcomes {
        private final StringBuffer told = new StringBuffer();
        final CompletableFuture<String> ended = new CompletableFuture<>();

        LastStep<String> step(Duration taking) {
            return new LastStep<>() {
                @Override
                public Uni<?> apply(String result, Duration left) {
                    return taking.isZero() ? Uni.createFrom().voidItem() : Uni.createFrom().voidItem().onItem().delayIt().by(taking);
                }

                @Override
                public Uni<?> committed(String result) {
                    told.append("committed ").append(result);
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(50))
                            .invoke(() -> told.append(" and finished"));
                }

                @Override
                public Uni<?> notCommitted(String result, LastStep.Ending how) {
                    told.append("not committed (").append(how).append(") ").append(result);
                    ended.complete(told.toString());
                    return Uni.createFrom().voidItem();
                }
            };
        }

        @Override
        public String toString() {
            return told.toString();
        }
    }

    @Test
    void aTransactionThatMissedItsDeadlineIsRolledBackWhenTheDatabaseAnswersAgain() {
        Pool pool = pool(relay.port());
        try {
            String id = UUID.randomUUID().toString();
            long start = System.nanoTime();
            // the INSERT is answered, then PostgreSQL freezes before the change is complete
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> DEADLINES.transaction(pool,
                    c -> c.preparedQuery("INSERT INTO deadline_test VALUES ($1)").execute(Tuple.of(id))
                            .invoke(relay::pause)
                            .chain(() -> c.query("SELECT 1").execute()))
                    .await().atMost(Duration.ofSeconds(5)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(StoreUnavailableException.Reason.NOT_ANSWERING, e.reason());
            assertTrue(tookMs < DEADLINE.toMillis() + 1000, "took " + tookMs + " ms");

            relay.resume();
            // the pool's only connection serves this only once the abandoned transaction has ended
            long seen = pool.preparedQuery("SELECT count(*) FROM deadline_test WHERE id = $1").execute(Tuple.of(id))
                    .map(rows -> rows.iterator().next().getLong(0)).await().atMost(Duration.ofSeconds(10));
            assertEquals(0L, seen);
            assertEquals(0L, count(id));
        } finally {
            relay.resume();
            pool.closeAndAwait();
        }
    }

    @Test
    void aTransactionsFirstStatementGoesOutWithoutWaitingForTheAnswerToBegin() throws Exception {
        Pool pool = pool(relay.port());
        try {
            // the connection is opened first, so only the transaction's own answers are held back
            pool.query("SELECT 1").execute().await().atMost(Duration.ofSeconds(5));
            String id = UUID.randomUUID().toString();
            relay.holdAnswers();
            // deadlines long enough for the polling below: the point is the order, not the time
            StoreDeadlines patient = new StoreDeadlines(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
            CompletableFuture<String> answer = patient.transaction(pool,
                    c -> c.query("INSERT INTO deadline_test VALUES ('" + id + "')").execute().map(rows -> "done"))
                    .subscribeAsCompletionStage();
            // PostgreSQL has run the INSERT while the answer to BEGIN has not reached the client
            String running = "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE '%"
                    + id + "%'";
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            long seen = 0;
            while (seen == 0 && System.nanoTime() < deadline) {
                seen = direct.query(running).execute().map(rows -> rows.iterator().next().getLong(0))
                        .await().atMost(Duration.ofSeconds(5));
            }
            assertEquals(1L, seen, "the INSERT waited for the answer to BEGIN");
            assertEquals(0L, count(id));
            relay.resume();
            assertEquals("done", answer.get(5, TimeUnit.SECONDS));
            assertEquals(1L, count(id));
        } finally {
            relay.resume();
            pool.closeAndAwait();
        }
    }

    @Test
    void aWorkThatThrowsLeavesNoTransactionOpenOnTheConnection() {
        Pool pool = pool(relay.port());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> DEADLINES.<String>transaction(pool, c -> {
                throw new IllegalStateException("no statement");
            }).await().atMost(Duration.ofSeconds(5)));
            assertEquals("no statement", e.getMessage());
            // the pool's only connection: inside a transaction left open, now() would be BEGIN's time
            boolean ownTransaction = pool.query("SELECT now() = statement_timestamp()").execute()
                    .map(rows -> rows.iterator().next().getBoolean(0)).await().atMost(Duration.ofSeconds(5));
            assertTrue(ownTransaction, "the connection was given back inside the transaction");
        } finally {
            pool.closeAndAwait();
        }
    }

    @Test
    void withoutTheHelperTheSameFrozenTransactionIsCommittedAfterItsCallerGaveUp() {
        // what the helper prevents: a plain withTransaction whose caller timed out still commits later
        Pool pool = pool(relay.port());
        try {
            String id = UUID.randomUUID().toString();
            assertThrows(StoreUnavailableException.class, () -> DEADLINES.database(pool.withTransaction(
                    c -> c.preparedQuery("INSERT INTO deadline_test VALUES ($1)").execute(Tuple.of(id))
                            .invoke(relay::pause)
                            .chain(() -> c.query("SELECT 1").execute())))
                    .await().atMost(Duration.ofSeconds(5)));
            relay.resume();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (count(id) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1L, count(id));
        } finally {
            relay.resume();
            pool.closeAndAwait();
        }
    }

    private static long count(String id) {
        return direct.preparedQuery("SELECT count(*) FROM deadline_test WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().next().getLong(0)).await().atMost(Duration.ofSeconds(5));
    }
}
