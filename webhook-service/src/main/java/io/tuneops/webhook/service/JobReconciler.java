package io.tuneops.webhook.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Webhooks are the fast path, not the only one: an unfinished Replicate job that has been quiet
 * for a while is looked up with Replicate's get-training call and brought up to date under the same
 * state machine (a start event that arrived before the job was stored, a delivery Replicate gave
 * up on). Several replicas may do this at once; each update locks the job, so that is harmless.
 * A Replicate job whose submission was interrupted (no training id) is failed after a while.
 */
@ApplicationScoped
public class JobReconciler {

    private static final Logger LOG = Logger.getLogger(JobReconciler.class);
    private static final int BATCH = 50;
    /** The error of a job whose submission was interrupted. */
    static final String ABANDONED = "submission to replicate was interrupted: tuneops stopped before Replicate's answer "
            + "was stored; a training may have been created at Replicate (check its dashboard, it is not tracked here)";

    private final JobRepository jobs;
    private final ProviderConfigService providers;
    private final ReplicateClient replicate;
    private final JobWriter writer;
    private final JobsConfig config;
    private final StoreDeadlines deadlines;
    private Cancellable ticks;

    public JobReconciler(JobRepository jobs, ProviderConfigService providers, ReplicateClient replicate,
                         JobWriter writer, JobsConfig config, StoreDeadlines deadlines) {
        this.deadlines = deadlines;
        this.jobs = jobs;
        this.providers = providers;
        this.replicate = replicate;
        this.writer = writer;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        ticks = Multi.createFrom().ticks().startingAfter(config.reconcileEvery()).every(config.reconcileEvery())
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> reconcile(config.reconcileAfter())
                        .onFailure().invoke(e -> LOG.debugf("reconciliation skipped: %s", e.toString()))
                        .onFailure().recoverWithItem(0)
                        .chain(() -> failAbandoned(config.submitAbandonedAfter()))
                        .onFailure().invoke(e -> LOG.debugf("abandoned submissions not checked: %s", e.toString()))
                        .onFailure().recoverWithItem(0))
                .subscribe().with(n -> { }, e -> LOG.errorf("job reconciliation stopped: %s", e.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (ticks != null) {
            ticks.cancel();
        }
    }

    /** Looks up quiet unfinished jobs at Replicate; returns how many changed. */
    public Uni<Integer> reconcile(Duration quiet) {
        return providers.settings(Provider.REPLICATE).chain(settings -> settings.apiToken().isEmpty() ? Uni.createFrom().item(0)
                : jobs.quietUnfinished(Provider.REPLICATE, quiet, BATCH).onItem().transformToMulti(Multi.createFrom()::iterable)
                .onItem().transformToUniAndConcatenate(job -> replicate.getTraining(settings, job.providerJobId())
                        .chain(training -> apply(job, JobService.snapshot(training), settings))
                        .onFailure().recoverWithItem(e -> {
                            LOG.infof("job %s not reconciled this time: %s", job.jobId(), e.getMessage());
                            return false;
                        }))
                .collect().asList()
                .map(changed -> (int) changed.stream().filter(Boolean::booleanValue).count()));
    }

    /**
     * Fails Replicate jobs still pending without a training id {@code after} they were handed to
     * Replicate (but never before a create call still in flight could have ended; one that still
     * succeeds later cancels its training, see JobStarter): tuneops stopped between storing the
     * job and storing Replicate's answer. Re-sending could start a second paid training, so the
     * job ends, freeing its quota, and says that a training may exist. Returns how many failed.
     */
    public Uni<Integer> failAbandoned(Duration after) {
        return providers.settings(Provider.REPLICATE).chain(settings -> {
            // the create call's whole window: the submit's transaction, the call (its timeout and
            // one second of guard), the transaction storing the answer; twice the call for margin
            Duration callBound = Duration.ofMillis((long) (settings.httpTimeoutSeconds() * 2000) + 1000)
                    .plus(deadlines.databaseTimeout().multipliedBy(2));
            Duration quiet = after.compareTo(callBound) >= 0 ? after : callBound;
            return jobs.abandonedSubmissions(Provider.REPLICATE, quiet, BATCH).onItem().transformToMulti(Multi.createFrom()::iterable)
                    .onItem().transformToUniAndConcatenate(job -> failIfStillAbandoned(job.jobId()))
                    .collect().asList()
                    .map(failed -> (int) failed.stream().filter(Boolean::booleanValue).count());
        });
    }

    private Uni<Boolean> failIfStillAbandoned(String jobId) {
        return jobs.transaction(tx -> jobs.lock(tx, jobId).chain(locked -> {
            if (locked.isEmpty() || locked.get().status() != JobStatus.PENDING || locked.get().providerJobId() != null) {
                return Uni.createFrom().item(false);
            }
            LOG.warnf("job %s: %s", jobId, ABANDONED);
            return writer.save(tx, JobTransitions.failed(locked.get(), ABANDONED)).replaceWith(true);
        }));
    }

    private Uni<Boolean> apply(JobRow quiet, Snapshot snapshot, ProviderSettings settings) {
        return jobs.transaction(tx -> jobs.lock(tx, quiet.jobId()).chain(locked -> {
            Optional<JobRow> next = locked.flatMap(job -> JobTransitions.apply(job, snapshot, settings, config.logsTail())
                    .filter(changed -> !sameApartFromUpdatedAt(job, changed)));
            if (next.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            return writer.save(tx, next.get()).replaceWith(true);
        }));
    }

    /**
     * A look-up that learnt nothing new is not a report from the job: writing it would move
     * updated_at and hide a stalled job from the stall watchdog.
     */
    static boolean sameApartFromUpdatedAt(JobRow before, JobRow after) {
        return after.toBuilder().updatedAt(before.updatedAt()).build().equals(before);
    }
}
