package io.tuneops.support.figures;

/** One provider's live API check; {@code status}: healthy, unhealthy or unconfigured. */
public record ProviderHealth(String name, String status, Double latency_ms, String message) {
}
