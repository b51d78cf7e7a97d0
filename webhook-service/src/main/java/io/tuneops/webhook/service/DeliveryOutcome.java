package io.tuneops.webhook.service;

import java.util.Locale;

/** What became of one webhook delivery; {@link #label()} is its outcome label on tuneops_webhook_deliveries_total. */
public enum DeliveryOutcome {
    /** The snapshot moved the job on. */
    APPLIED,
    /** Authentic and new, but older than what the job already shows. */
    STALE,
    /** A delivery id already recorded: the provider retried. */
    DUPLICATE,
    /** Authentic, for a job tuneops does not know. */
    IGNORED,
    REJECTED_SIGNATURE,
    /** Malformed: not JSON, not a snapshot, empty or too large. */
    INVALID,
    UNKNOWN_PROVIDER,
    /** Not recorded (a backing service failed); the provider retries. */
    ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
