package io.tuneops.gateway.service;

/**
 * An API key change that did not happen, and which step failed, so that the caller is told what
 * really failed: the database or the audit trail.
 */
public final class KeyChangeFailure extends RuntimeException {

    /** The step of a key change that failed, in the words the caller reads. */
    public enum Step {
        DATABASE("the store holding the keys did not serve the change"),
        AUDIT_TRAIL("the change could not be recorded in the audit trail");

        private final String words;

        Step(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private final Step step;

    KeyChangeFailure(Step step, Throwable cause) {
        // no stack trace: the cause has the one that matters
        super(step.words(), cause, false, false);
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
