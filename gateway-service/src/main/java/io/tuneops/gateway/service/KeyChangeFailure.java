package io.tuneops.gateway.service;

/**
 * An API key change that did not happen, and which step failed, so that the caller is told what
 * really failed: the database or the audit trail.
 */
public final class KeyChangeFailure extends RuntimeException {

    /** The step of a key change that failed. */
    public enum Step {
        /** The store holding the keys: the caller reads the store's own failure (BackingStoreFailures). */
        DATABASE,
        /** The audit trail, after the store took the change. */
        AUDIT_TRAIL
    }

    private final Step step;

    KeyChangeFailure(Step step, Throwable cause) {
        // no stack trace: the cause has the one that matters
        super("the key change failed at its " + step + " step", cause, false, false);
        this.step = step;
    }

    public Step step() {
        return step;
    }

    /** {@code failure} as a KeyChangeFailure: a failure of a step not named otherwise is the database's. */
    static KeyChangeFailure of(Throwable failure) {
        return failure instanceof KeyChangeFailure known ? known : new KeyChangeFailure(Step.DATABASE, failure);
    }
}
