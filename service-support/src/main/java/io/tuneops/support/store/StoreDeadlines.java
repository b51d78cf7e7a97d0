package io.tuneops.support.store;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.http.BackingStoreFailures;
import io.vertx.core.Future;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The one place where calls to PostgreSQL and Redis get their deadline. Neither reactive client
 * bounds a call that was sent to a server that stopped answering without closing its connections
 * (a frozen process, a network black hole, a hung failover): the call would wait for the whole
 * outage. Every repository and every Redis call site goes through {@link #database}, {@link
 * #redis} or {@link #transaction}, which fail with {@link StoreUnavailableException} (a 503 with
 * Retry-After) once the deadline has passed, and turn a refused or dropped connection into the
 * same exception so that the answer names the store.
 *
 * <p>Giving up on a call does not withdraw it: the client has already queued it and sends it when
 * the store answers again. A plain statement then runs late, which is harmless for reads and for
 * the idempotent writes that use {@link #database}; a change made of several statements uses
 * {@link #transaction}, which never commits after its deadline.
 */
@ApplicationScoped
public class StoreDeadlines {

    private final Duration database;
    private final Duration redis;
    private final Duration readiness;

    @Inject
    public StoreDeadlines(StoreDeadlineConfig.Database database, StoreDeadlineConfig.Redis redis,
                          StoreDeadlineConfig.Readiness readiness) {
        this(database.timeout(), redis.timeout(), readiness.timeout());
    }

    StoreDeadlines(Duration database, Duration redis, Duration readiness) {
        this.database = database;
        this.redis = redis;
        this.readiness = readiness;
    }

    /** TUNEOPS_DATABASE_TIMEOUT. */
    public Duration databaseTimeout() {
        return database;
    }

    /** TUNEOPS_REDIS_TIMEOUT. */
    public Duration redisTimeout() {
        return redis;
    }

    /** TUNEOPS_READINESS_TIMEOUT: one readiness check of one store. */
    public Duration readinessTimeout() {
        return readiness;
    }

    /** One PostgreSQL statement (or a few outside a transaction), bounded by the database deadline. */
    public <T> Uni<T> database(Uni<T> call) {
        return bounded(call, Store.DATABASE, database);
    }

    /** One Redis command (or one batch or script), bounded by the Redis deadline. */
    public <T> Uni<T> redis(Uni<T> call) {
        return bounded(call, Store.REDIS, redis);
    }

    /** One Redis command that must be done within {@code within} (at most the Redis deadline). */
    public <T> Uni<T> redis(Uni<T> call, Duration within) {
        return bounded(call, Store.REDIS, within.compareTo(redis) < 0 ? within : redis);
    }

    /** A readiness check of one store: its own shorter deadline, so the probe answers in time. */
    public <T> Uni<T> readiness(Uni<T> call, Store store) {
        return bounded(call, store, readiness);
    }

    /**
     * Runs {@code work} in one transaction on one connection and commits it only while a quarter of
     * the database deadline is left, so the COMMIT's answer arrives before the caller's deadline;
     * otherwise it rolls back. The caller's answer comes at the deadline at the latest; the
     * transaction itself is not abandoned then (a cancelled subscription would leave statements
     * queued on the connection and COMMIT them when PostgreSQL answers again), it runs on to its
     * rollback and gives the connection back. What was answered as failed is therefore never
     * applied later, except in the unavoidable case of PostgreSQL freezing between receiving the
     * COMMIT and answering it.
     */
    public <T> Uni<T> transaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return transaction(pool, work, (result, left) -> Uni.createFrom().voidItem());
    }

    /**
     * {@link #transaction(Pool, Function)} with a last step before the COMMIT that must succeed
     * for the change to be committed, typically appending its audit event: it is given the time
     * left before the COMMIT must be sent, must not take effect later than that (the audit
     * appender's script refuses a late append), and its failure rolls the change back. So no
     * event is recorded for a change that is not committed, and no change is committed whose
     * event could not be recorded. The step is then told whether the transaction committed
     * ({@link LastStep#committed}, {@link LastStep#notCommitted}).
     */
    public <T> Uni<T> transaction(Pool pool, Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return database(Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            long lastCommit = start + database.toNanos() - database.toNanos() / 4;
            CompletableFuture<T> outcome = new CompletableFuture<>();
            AtomicReference<FailedCommit<T>> failedCommit = new AtomicReference<>();
            pool.getConnection()
                    .chain(connection -> (System.nanoTime() - lastCommit < 0
                            ? Uni.createFrom().deferred(() -> inTransaction(connection, work, beforeCommit, lastCommit, failedCommit))
                            : Uni.createFrom().<T>failure(StoreUnavailableException.notAnswering(Store.DATABASE, database)))
                            // a connection that fails to close does not change what became of the transaction
                            .eventually(() -> connection.close().onFailure().recoverWithNull()))
                    // the step is told how the COMMIT went once the connection is back in the pool, so
                    // that what it does then (which may take a connection of its own) never waits for it
                    .call(result -> Uni.createFrom().deferred(() -> beforeCommit.committed(result)).onFailure().recoverWithNull())
                    .onFailure().call(() -> failedCommit.get() == null ? Uni.createFrom().voidItem()
                            : Uni.createFrom().deferred(() -> beforeCommit.notCommitted(failedCommit.get().result(), LastStep.Ending.COMMIT_FAILED))
                            .onFailure().recoverWithNull())
                    .subscribe().with(outcome::complete, outcome::completeExceptionally);
            // a separate future: cancelling the caller's subscription must not cancel the transaction
            return Uni.createFrom().completionStage(outcome);
        }));
    }

    /** The result of a transaction whose COMMIT was sent and failed. */
    private record FailedCommit<T>(T result) {
    }

    private <T> Uni<T> inTransaction(SqlConnection connection, Function<SqlConnection, Uni<T>> work,
                                     LastStep<T> beforeCommit, long lastCommit, AtomicReference<FailedCommit<T>> failedCommit) {
        // BEGIN goes out now and the work's first statement follows it on the same connection
        // without waiting for BEGIN's answer (the client pipelines them): a round trip fewer per
        // transaction. PostgreSQL answers in order, so the work's answer comes after BEGIN's. A
        // BEGIN that fails ends the transaction at once, so the work's later statements fail
        // instead of running on their own; its first one is already on its way and would run on its
        // own, which takes a BEGIN that fails on a connection that still works: PostgreSQL does
        // that only when an administrator cancels the backend in the instant BEGIN runs.
        Future<io.vertx.sqlclient.Transaction> begun = connection.getDelegate().begin()
                .onFailure(e -> endFailedBegin(connection));
        Uni<Transaction> transaction = UniHelper.toUni(begun).map(Transaction::newInstance);
        // deferred: a work that throws instead of failing still ends in the rollback below
        return Uni.createFrom().deferred(() -> work.apply(connection))
                .chain(result -> transaction.chain(tx -> {
                    long left = lastCommit - System.nanoTime();
                    if (left <= 0) {
                        return Uni.createFrom().<T>failure(StoreUnavailableException.notAnswering(Store.DATABASE, database));
                    }
                    return Uni.createFrom().deferred(() -> beforeCommit.apply(result, Duration.ofNanos(left)))
                            // the step is over and the COMMIT not sent: undone while the locks are still held
                            .onFailure().call(() -> rollingBack(beforeCommit, result))
                            .chain(() -> System.nanoTime() - lastCommit < 0
                                    ? tx.commit().map(done -> result).onFailure().invoke(() -> failedCommit.set(new FailedCommit<>(result)))
                                    : rollingBack(beforeCommit, result).chain(() -> Uni.createFrom().<T>failure(
                                            StoreUnavailableException.notAnswering(Store.DATABASE, database))));
                }))
                // a BEGIN that failed was ended when it did (endFailedBegin)
                .onFailure().call(() -> transaction.chain(StoreDeadlines::rollback).onFailure().recoverWithNull());
    }

    private static <T> Uni<?> rollingBack(LastStep<T> step, T result) {
        return Uni.createFrom().deferred(() -> step.notCommitted(result, LastStep.Ending.ROLLING_BACK)).onFailure().recoverWithNull();
    }

    private static void endFailedBegin(SqlConnection connection) {
        io.vertx.sqlclient.Transaction open = connection.getDelegate().transaction();
        if (open != null) {
            open.rollback();
        }
    }

    private static Uni<Void> rollback(Transaction tx) {
        return tx.rollback().onFailure().recoverWithNull();
    }

    private static <T> Uni<T> bounded(Uni<T> call, Store store, Duration deadline) {
        return call.ifNoItem().after(deadline).failWith(() -> StoreUnavailableException.notAnswering(store, deadline))
                // a failure that already names its store (a Redis call inside a transaction, or a
                // caller's own wrapper of one) keeps it: it is not this store's
                .onFailure(e -> !namesStore(e) && BackingStoreFailures.isUnavailable(e))
                .transform(e -> StoreUnavailableException.unreachable(store, e));
    }

    private static boolean namesStore(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
