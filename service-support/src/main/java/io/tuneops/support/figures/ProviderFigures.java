package io.tuneops.support.figures;

/** One provider's spend against its cost limit and its credit balance, null when unknown. */
public record ProviderFigures(Double cost_limit_percent_used, Double credit_balance) {
}
