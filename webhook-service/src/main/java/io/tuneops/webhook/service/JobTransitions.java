package io.tuneops.webhook.service;

import io.tuneops.webhook.repository.JobRow;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/** Applies a provider snapshot to a job under the state machine of {@link JobStatus}. */
public final class JobTransitions {

    /** The largest cost the job's cost_usd column (numeric(14, 6)) holds. */
    static final BigDecimal MAX_COST_USD = new BigDecimal("99999999.999999");

    private JobTransitions() {
    }

    /** The job after the snapshot, or empty when the snapshot is stale (it would move the job backwards). */
    public static Optional<JobRow> apply(JobRow job, Snapshot s, ProviderSettings settings, int logsTail) {
        JobStatus current = job.status();
        JobStatus next = s.mapped();
        if (!current.mayBecome(next)) {
            return current.terminal() && next == current ? figures(job, s, settings, logsTail) : Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime started = job.startedAt() != null ? job.startedAt()
                : s.startedAt() != null ? s.startedAt()
                : next == JobStatus.RUNNING || next == JobStatus.COMPLETED ? now : null;
        OffsetDateTime completed = next.terminal() ? (s.completedAt() != null ? s.completedAt() : now) : null;
        Double predictTime = s.predictTime() != null ? s.predictTime() : job.predictTime();
        BigDecimal cost = cost(predictTime, job.hardware(), settings).orElse(job.costUsd());
        return Optional.of(job.toBuilder()
                .providerJobId(job.providerJobId() != null ? job.providerJobId() : s.id())
                .status(next).providerStatus(s.status())
                .logs(logs(job, s, next == current, logsTail))
                .output(s.output() != null ? s.output() : job.output())
                .error(s.error() != null ? s.error() : job.error())
                .predictTime(predictTime).costUsd(cost)
                .updatedAt(now).startedAt(started).completedAt(completed).build());
    }

    /**
     * A report in the status the job already ended in: it changes no status, only completes the
     * figures the end left out, as the run time a provider bills for a training an operator
     * cancelled, which comes with its report after the cancel: a longer run time, an output where
     * there was none, a longer log. Empty when it brings nothing new.
     */
    private static Optional<JobRow> figures(JobRow job, Snapshot s, ProviderSettings settings, int logsTail) {
        // a run time only grows (an older report delivered late does not lower it), and only a new
        // one is priced: the price of the hardware may have changed since the job ended
        boolean longer = s.predictTime() != null && (job.predictTime() == null || s.predictTime() > job.predictTime());
        Double predictTime = longer ? s.predictTime() : job.predictTime();
        BigDecimal cost = longer ? cost(predictTime, job.hardware(), settings).orElse(job.costUsd()) : job.costUsd();
        Object output = job.output() != null ? job.output() : s.output();
        String error = job.error() != null ? job.error() : s.error();
        String logs = logs(job, s, true, logsTail);
        boolean unchanged = Objects.equals(predictTime, job.predictTime()) && Objects.equals(output, job.output())
                && Objects.equals(error, job.error()) && Objects.equals(logs, job.logs())
                && (cost == null ? job.costUsd() == null : job.costUsd() != null && cost.compareTo(job.costUsd()) == 0);
        if (unchanged) {
            return Optional.empty();
        }
        return Optional.of(job.toBuilder().predictTime(predictTime).costUsd(cost).output(output).error(error).logs(logs)
                .updatedAt(OffsetDateTime.now(ZoneOffset.UTC)).build());
    }

    /**
     * A job the operator cancelled, whatever the provider says later; the run time the provider's
     * answer to the cancel reports ({@code predictTime}, null when none) prices it.
     */
    public static JobRow cancelled(JobRow job, String providerStatus, Double predictTime, ProviderSettings settings) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Double ran = predictTime != null ? predictTime : job.predictTime();
        return job.toBuilder().status(JobStatus.CANCELLED).providerStatus(providerStatus).predictTime(ran)
                .costUsd(cost(ran, job.hardware(), settings).orElse(job.costUsd())).updatedAt(now).completedAt(now).build();
    }

    /** A job whose submission to the provider failed. */
    public static JobRow failed(JobRow job, String error) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return job.toBuilder().status(JobStatus.FAILED).providerStatus(null).error(error).updatedAt(now).completedAt(now).build();
    }

    /**
     * Run time times the configured price of the job's hardware; empty when either is unknown.
     *
     * @throws Snapshot.Invalid when the cost does not fit the job's cost column (numeric(14, 6))
     */
    static Optional<BigDecimal> cost(Double predictTime, String hardware, ProviderSettings settings) {
        if (predictTime == null) {
            return Optional.empty();
        }
        Optional<BigDecimal> cost = settings.pricePerSecond(hardware)
                .map(price -> BigDecimal.valueOf(price).multiply(BigDecimal.valueOf(predictTime)).setScale(6, RoundingMode.HALF_UP));
        if (cost.isPresent() && cost.get().compareTo(MAX_COST_USD) > 0) {
            // refused, not stored: the database would refuse it on every retry of the delivery
            throw new Snapshot.Invalid("'metrics.predict_time' of " + predictTime + " s on " + hardware
                    + " costs more than the $" + MAX_COST_USD.toPlainString() + " a job can record");
        }
        return cost;
    }

    /**
     * Providers send the whole log so far: within one status, a shorter log is an older snapshot
     * delivered late and does not replace the newer one.
     */
    private static String logs(JobRow job, Snapshot s, boolean sameStatus, int max) {
        if (s.logs() == null) {
            return job.logs();
        }
        String incoming = tail(s.logs(), max);
        return sameStatus && job.logs() != null && incoming.length() < job.logs().length() ? job.logs() : incoming;
    }

    private static String tail(String logs, int max) {
        return logs.length() <= max ? logs : logs.substring(logs.length() - max);
    }
}
