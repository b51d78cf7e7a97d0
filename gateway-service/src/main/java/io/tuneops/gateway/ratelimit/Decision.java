package io.tuneops.gateway.ratelimit;

/**
 * A rate-limit verdict. {@code resetEpochMillis}: when the oldest request in the window leaves it
 * (a slot frees). {@code enforced} is false when nothing was checked (open mode during a Redis outage).
 */
public record Decision(boolean allowed, int limit, int remaining, long resetEpochMillis, long nowMillis, boolean enforced) {

    public long retryAfterSeconds() {
        return Math.max(1, (resetEpochMillis - nowMillis + 999) / 1000);
    }

    public long secondsToReset() {
        return Math.max(0, (resetEpochMillis - nowMillis + 999) / 1000);
    }
}
