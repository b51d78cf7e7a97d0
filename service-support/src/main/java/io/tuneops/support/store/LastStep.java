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
     * waits for. Its failure is ignored, the change being committed.
     */
    default Uni<?> committed(T result) {
        return Uni.createFrom().voidItem();
    }

    /**
     * The transaction ended without committing after this step began: the step failed, or the
     * COMMIT came too late or failed. Called once the step is over and before the rollback, though a
     * failed COMMIT has already released the transaction's locks; a COMMIT whose answer was lost
     * may have committed after all.
     */
    default Uni<?> notCommitted(T result) {
        return Uni.createFrom().voidItem();
    }
}
