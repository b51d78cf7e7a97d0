package io.tuneops.support.store;

import java.time.Duration;

/**
 * PostgreSQL or Redis did not serve a call: it did not answer within its deadline, or it cannot
 * be reached. The message is meant for the caller and names the store in words.
 */
public final class StoreUnavailableException extends RuntimeException {

    /** What went wrong with the store. */
    public enum Reason {
        NOT_ANSWERING, UNREACHABLE
    }

    private final Store store;
    private final Reason reason;

    private StoreUnavailableException(Store store, Reason reason, String message, Throwable cause) {
        // no stack trace: a frozen store fails thousands of calls and the trace says nothing about why
        super(message, cause, false, false);
        this.store = store;
        this.reason = reason;
    }

    public static StoreUnavailableException notAnswering(Store store, Duration deadline) {
        return new StoreUnavailableException(store, Reason.NOT_ANSWERING,
                store.words() + " is not answering (no answer within " + deadline.toMillis() + " ms)", null);
    }

    public static StoreUnavailableException unreachable(Store store, Throwable cause) {
        return new StoreUnavailableException(store, Reason.UNREACHABLE, store.words() + " cannot be reached", cause);
    }

    public Store store() {
        return store;
    }

    public Reason reason() {
        return reason;
    }

    /** The message as the start of a sentence, e.g. "Redis is not answering (...)". */
    public String sentence() {
        String m = getMessage();
        return Character.toUpperCase(m.charAt(0)) + m.substring(1);
    }
}
