package io.tuneops.webhook.service.quota;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/**
 * What a quota limits. Job counts use rolling windows (no burst at midnight); budgets use the UTC
 * calendar day and month, as invoices do, and count what the period's jobs cost plus what the
 * unfinished ones are expected to cost.
 */
public enum QuotaType {
    CONCURRENT_JOBS("Concurrent jobs", "Jobs not yet finished, those waiting for approval included", "jobs"),
    JOBS_PER_HOUR("Jobs per hour", "Jobs submitted in the last 60 minutes", "jobs"),
    JOBS_PER_DAY("Jobs per day", "Jobs submitted in the last 24 hours", "jobs"),
    COST_DAILY("Daily cost", "Projected spend of the UTC day: what its finished jobs cost, plus the estimates of "
            + "unfinished jobs and of the job being submitted", "USD"),
    COST_MONTHLY("Monthly cost", "Projected spend of the UTC month: what its finished jobs cost, plus the estimates "
            + "of unfinished jobs and of the job being submitted", "USD");

    private final String title;
    private final String description;
    private final String unit;

    QuotaType(String title, String description, String unit) {
        this.title = title;
        this.description = description;
        this.unit = unit;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public String unit() {
        return unit;
    }

    /** A budget, measured in US dollars; otherwise a number of jobs. */
    public boolean cost() {
        return this == COST_DAILY || this == COST_MONTHLY;
    }

    public static Optional<QuotaType> fromWire(String value) {
        for (QuotaType t : values()) {
            if (t.wire().equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
