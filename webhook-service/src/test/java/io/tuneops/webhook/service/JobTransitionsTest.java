package io.tuneops.webhook.service;

import io.tuneops.webhook.repository.JobRow;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monotonic state machine, one rule per test, without a database or a provider. */
class JobTransitionsTest {

    static final int LOGS_TAIL = 1000;
    static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 11, 1, 9, 0, 0, 0, ZoneOffset.UTC);

    static JobRow job(JobStatus status) {
        return JobRow.builder().jobId("job_1").provider(Provider.GENERIC).providerJobId("job_1").status(status)
                .submittedBy("key_test").hardware("gpu-a100").request(new JsonObject()).costUsd(BigDecimal.ZERO)
                .createdAt(CREATED).updatedAt(CREATED).build();
    }

    static ProviderSettings settings(JsonObject config) {
        return new ProviderSettings(Provider.GENERIC, config, Optional.empty(), Optional.empty(), "", Optional.empty(),
                Optional.empty(), true, 30);
    }

    static final ProviderSettings PRICED = settings(new JsonObject().put("hardware_prices", new JsonObject().put("gpu-a100", 0.5)));

    static Snapshot snapshot(String status) {
        return new Snapshot("job_1", status, null, null, null, null, null, null);
    }

    static JobRow apply(JobRow job, Snapshot snapshot) {
        return JobTransitions.apply(job, snapshot, PRICED, LOGS_TAIL).orElseThrow();
    }

    @Test
    void aProviderStatusMovesThePendingJobOnAndIsKeptAsReported() {
        JobRow next = apply(job(JobStatus.PENDING), snapshot("starting"));
        assertEquals(JobStatus.QUEUED, next.status());
        assertEquals("starting", next.providerStatus());
        assertNull(next.startedAt(), "queued is not started");
        assertNull(next.completedAt());
    }

    @Test
    void runningSetsTheStartTimeOnceAndKeepsIt() {
        JobRow running = apply(job(JobStatus.QUEUED), snapshot("processing"));
        assertEquals(JobStatus.RUNNING, running.status());
        assertNotNull(running.startedAt());
        assertEquals(running.startedAt(), apply(running, snapshot("processing")).startedAt());
    }

    @Test
    void theProvidersOwnTimesWinOverTheTimeOfArrival() {
        OffsetDateTime started = CREATED.plusMinutes(1);
        OffsetDateTime completed = CREATED.plusMinutes(9);
        JobRow done = apply(job(JobStatus.PENDING), new Snapshot("job_1", "succeeded", null, null, null, null, started, completed));
        assertEquals(JobStatus.COMPLETED, done.status());
        assertEquals(started, done.startedAt());
        assertEquals(completed, done.completedAt());
    }

    @Test
    void aStatusThatWouldMoveTheJobBackwardsIsStale() {
        assertTrue(JobTransitions.apply(job(JobStatus.RUNNING), snapshot("starting"), PRICED, LOGS_TAIL).isEmpty());
    }

    @Test
    void aTerminalJobTakesNoFurtherReport() {
        for (JobStatus terminal : new JobStatus[]{JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}) {
            for (String report : new String[]{"starting", "processing", "succeeded", "failed", "canceled"}) {
                assertTrue(JobTransitions.apply(job(terminal), snapshot(report), PRICED, LOGS_TAIL).isEmpty(),
                        terminal + " took " + report);
            }
        }
    }

    @Test
    void theCostIsTheRunTimeAtTheHardwaresPrice() {
        JobRow done = apply(job(JobStatus.RUNNING), new Snapshot("job_1", "succeeded", null, null, null, 120.0, null, null));
        assertEquals(new BigDecimal("60.000000"), done.costUsd());
        assertEquals(120.0, done.predictTime());
    }

    @Test
    void withoutAPriceForItsHardwareTheCostStaysAsItWas() {
        JobRow job = job(JobStatus.RUNNING).toBuilder().costUsd(new BigDecimal("1.5")).build();
        JobRow done = JobTransitions.apply(job, new Snapshot("job_1", "succeeded", null, null, null, 120.0, null, null),
                settings(new JsonObject()), LOGS_TAIL).orElseThrow();
        assertEquals(new BigDecimal("1.5"), done.costUsd());
    }

    @Test
    void aShorterLogInTheSameStatusIsAnOlderSnapshotAndDoesNotReplaceTheLog() {
        JobRow running = job(JobStatus.RUNNING).toBuilder().logs("step 1\nstep 2").build();
        assertEquals("step 1\nstep 2", apply(running, new Snapshot("job_1", "processing", "step 1", null, null, null, null, null)).logs());
        assertEquals("done", apply(running, new Snapshot("job_1", "succeeded", "done", null, null, null, null, null)).logs(),
                "a new status brings its own log");
    }

    @Test
    void onlyTheTailOfALongLogIsKept() {
        String log = "x".repeat(LOGS_TAIL) + "the end";
        String kept = apply(job(JobStatus.RUNNING), new Snapshot("job_1", "processing", log, null, null, null, null, null)).logs();
        assertEquals(LOGS_TAIL, kept.length());
        assertTrue(kept.endsWith("the end"));
    }

    @Test
    void outputAndErrorStayWhenALaterSnapshotOmitsThem() {
        JobRow job = job(JobStatus.RUNNING).toBuilder().output("https://example.com/w.tar").error("warning").build();
        JobRow next = apply(job, snapshot("succeeded"));
        assertEquals("https://example.com/w.tar", next.output());
        assertEquals("warning", next.error());
    }

    @Test
    void theProvidersIdIsTakenOnlyWhenTheJobHasNone() {
        JobRow withoutId = job(JobStatus.PENDING).toBuilder().providerJobId(null).build();
        assertEquals("job_1", apply(withoutId, snapshot("starting")).providerJobId());
        JobRow withId = job(JobStatus.PENDING).toBuilder().providerJobId("tr_1").build();
        assertEquals("tr_1", apply(withId, snapshot("starting")).providerJobId());
    }

    @Test
    void aCancelledJobIsFinishedWithTheProvidersStatusAndPricedByTheRunTimeItReports() {
        JobRow cancelled = JobTransitions.cancelled(job(JobStatus.RUNNING), "canceled", 60.0, PRICED);
        assertEquals(JobStatus.CANCELLED, cancelled.status());
        assertEquals("canceled", cancelled.providerStatus());
        assertNotNull(cancelled.completedAt());
        assertEquals(0, new BigDecimal("30").compareTo(cancelled.costUsd()), "60 s at $0.5/s");
        JobRow unpriced = JobTransitions.cancelled(job(JobStatus.RUNNING), null, null, PRICED);
        assertEquals(0, BigDecimal.ZERO.compareTo(unpriced.costUsd()));
    }

    @Test
    void aReportInTheStatusAJobEndedInBringsOnlyItsFigures() {
        JobRow cancelled = JobTransitions.cancelled(job(JobStatus.RUNNING), "canceled", null, PRICED);
        Snapshot billed = new Snapshot("job_1", "canceled", "stopped at step 9", null, null, 120.0, null, null);
        JobRow priced = JobTransitions.apply(cancelled, billed, PRICED, LOGS_TAIL).orElseThrow();
        assertEquals(JobStatus.CANCELLED, priced.status());
        assertEquals(cancelled.completedAt(), priced.completedAt(), "it ended when it ended");
        assertEquals(0, new BigDecimal("60").compareTo(priced.costUsd()));
        assertEquals("stopped at step 9", priced.logs());
        assertTrue(JobTransitions.apply(priced, billed, PRICED, LOGS_TAIL).isEmpty(), "nothing new: stale");
        Snapshot older = new Snapshot("job_1", "canceled", "stopped at step 9", null, null, 100.0, null, null);
        assertTrue(JobTransitions.apply(priced, older, PRICED, LOGS_TAIL).isEmpty(), "a shorter run time is an older report");
        JobRow repriced = JobTransitions.apply(priced, new Snapshot("job_1", "canceled", "stopped at step 9 and 10", null, null,
                null, null, null), settings(new JsonObject().put("hardware_prices", new JsonObject().put("gpu-a100", 9.0))), LOGS_TAIL)
                .orElseThrow();
        assertEquals(0, new BigDecimal("60").compareTo(repriced.costUsd()), "a longer log does not reprice the run at today's price");
        assertTrue(JobTransitions.apply(priced, snapshot("succeeded"), PRICED, LOGS_TAIL).isEmpty(),
                "another ending changes nothing");
    }

    @Test
    void aFailedSubmissionIsFinishedWithItsReason() {
        JobRow failed = JobTransitions.failed(job(JobStatus.PENDING).toBuilder().providerStatus("starting").build(), "no token");
        assertEquals(JobStatus.FAILED, failed.status());
        assertEquals("no token", failed.error());
        assertNull(failed.providerStatus());
        assertNotNull(failed.completedAt());
    }
}
