package io.tuneops.audit.service;

/** An event that will never be stored, on its way to the rejected stream, and why. */
public record RejectedEvent(String streamId, String raw, String reason) {
}
