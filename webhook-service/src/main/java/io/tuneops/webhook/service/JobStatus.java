package io.tuneops.webhook.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/**
 * The job state machine. A job only moves forward: pending → queued → running → one terminal
 * state; any non-terminal state may also jump straight to a terminal one. A report that would move
 * a job backwards (a late "processing" after "succeeded") or out of a terminal state is ignored.
 * A job that an approval rule or quota holds back starts as pending_approval: it has not reached its
 * provider, so no provider report moves it; an approval releases it to pending, a rejection, expiry
 * or cancel ends it as cancelled.
 */
public enum JobStatus {
    PENDING_APPROVAL(0), PENDING(1), QUEUED(2), RUNNING(3), COMPLETED(4), FAILED(4), CANCELLED(4);

    private static final int TERMINAL = 4;

    private final int rank;

    JobStatus(int rank) {
        this.rank = rank;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The wire name, so that a status concatenated into a message reads as it does in JSON and the database. */
    @Override
    public String toString() {
        return wire();
    }

    public boolean terminal() {
        return rank == TERMINAL;
    }

    /** Whether a job in this state may take {@code next}; staying in a non-terminal state is allowed. */
    public boolean mayBecome(JobStatus next) {
        if (this == PENDING_APPROVAL) {
            return next == PENDING_APPROVAL || next == PENDING || next == CANCELLED;
        }
        return !terminal() && next.rank >= rank;
    }

    public static Optional<JobStatus> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (JobStatus s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** @throws IllegalArgumentException for a value that is not a status's wire name */
    @JsonCreator
    public static JobStatus of(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown job status: " + value));
    }

    /** Replicate's prediction/training statuses (also the generic provider's), onto ours. */
    public static Optional<JobStatus> fromProvider(String providerStatus) {
        if (providerStatus == null) {
            return Optional.empty();
        }
        return switch (providerStatus) {
            case "starting" -> Optional.of(QUEUED);
            case "processing" -> Optional.of(RUNNING);
            case "succeeded" -> Optional.of(COMPLETED);
            case "failed" -> Optional.of(FAILED);
            case "canceled", "cancelled", "aborted" -> Optional.of(CANCELLED);
            default -> Optional.empty();
        };
    }
}
