package io.tuneops.support.store;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/**
 * A transaction's last step before its COMMIT that changes something outside the database
 * (appending an audit event, moving a file), given the time left before the COMMIT must be sent.
 * Its failure rolls the transaction back. A step whose effect can be undone says how, and what is
 * left to do once the change is committed, in {@link #notCommitted} and {@link #committed}.
 */
@FunctionalInterface
public interface LastStep<T> {

    Uni<?> apply(T result, Duration left);

    /**
     * The transaction committed after this step: what is left to do, which the caller's answer
     * waits for. Called once the transaction's connection is back in the pool; its failure is
     * ignored, the change being committed.
     */
    default Uni<?> committed(T result) {
        return Uni.createFrom().voidItem();
    }

    /**
     * The transaction ended without committing after this step began: the step failed, or the
     * COMMIT came too late or failed ({@code how} says which). Called once the step is over; the
     * caller's answer waits for it up to the database deadline.
     */
    default Uni<?> notCommitted(T result, Ending how) {
        return Uni.createFrom().voidItem();
    }

    /** How a transaction whose last step began ended without committing. */
    enum Ending {
        /**
         * The COMMIT was not sent (the step failed, or the time for it had passed): the transaction
         * and its locks are still held, and it is rolled back once {@link #notCommitted} is done.
         */
        ROLLING_BACK,
        /**
         * The COMMIT was sent and failed or its answer was lost, and the connection is back in the
         * pool. The locks are released, or will be once PostgreSQL notices a lost connection; a
         * COMMIT whose answer was lost may have committed after all.
         */
        COMMIT_FAILED
    }
}
