package io.tuneops.audit.service;

/**
 * One entry of the audit stream as a read gave it: its stream id and its {@code event} field (null
 * when the entry has none). {@code gone} when the stream no longer holds the entry (deleted or
 * trimmed while it was pending): Redis then answers with the id alone, and there is nothing to
 * store, only the pending state to clear.
 */
public record DeliveredEvent(String streamId, boolean gone, String raw) {

    public static DeliveredEvent present(String streamId, String raw) {
        return new DeliveredEvent(streamId, false, raw);
    }

    public static DeliveredEvent missing(String streamId) {
        return new DeliveredEvent(streamId, true, null);
    }
}
