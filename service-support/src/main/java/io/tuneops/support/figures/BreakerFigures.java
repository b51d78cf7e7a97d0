package io.tuneops.support.figures;

/** One provider's circuit breaker: {@code state} is closed, open or half_open; {@code failures} counts every failure it saw. */
public record BreakerFigures(String state, Long failures) {
}
