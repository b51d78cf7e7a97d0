package io.tuneops.webhook.client;

import java.time.Instant;

/**
 * A CDI event: this replica's circuit breaker of {@code provider} has just opened, so calls to it
 * are refused for a while ({@code detail} says how long and why).
 */
public record CircuitOpened(String provider, Instant at, String detail) {
}
