package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.service.approval.ApprovedJobs;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Jobs held for approval, as the approval workflow moves them on. A held job keeps its quota
 * reservation (pending_approval counts as unfinished) until it is released into pending, where it
 * goes on counting, or abandoned as cancelled. Its upload credentials were stored at submit, and
 * shown to the submitter then, but are published to storage-service only on release, as the
 * releasing decision's last step: nothing can be uploaded for a job that may never run.
 */
@ApplicationScoped
public class HeldJobs implements ApprovedJobs {

    private static final Logger LOG = Logger.getLogger(HeldJobs.class);

    private final JobRepository jobs;
    private final UploadCredentials credentials;
    private final ProviderConfigService providers;
    private final JobStarter starter;

    public HeldJobs(JobRepository jobs, UploadCredentials credentials, ProviderConfigService providers, JobStarter starter) {
        this.jobs = jobs;
        this.credentials = credentials;
        this.providers = providers;
        this.starter = starter;
    }

    @Override
    public Uni<Optional<Release>> release(SqlConnection tx, String jobId, String actor) {
        return jobs.releaseHeld(tx, jobId).chain(released -> released.isEmpty() ? Uni.createFrom().item(Optional.<Release>empty())
                : credentials.releasing(tx, jobId).map(live -> Optional.of(new Release() {
            @Override
            public Uni<Void> publish(Duration within) {
                return credentials.publish(live, within);
            }

            @Override
            public Uni<Void> withdraw() {
                return credentials.withdraw(live);
            }
        })));
    }

    @Override
    public Uni<Void> dispatch(String jobId) {
        return jobs.find(jobId).chain(found -> {
            // only a released job that has not reached its provider yet; anything else was decided elsewhere
            if (found.isEmpty() || found.get().status() != JobStatus.PENDING || found.get().provider() == Provider.REPLICATE
                    && found.get().providerJobId() != null) {
                return Uni.createFrom().voidItem();
            }
            return providers.settings(found.get().provider()).chain(settings -> starter.start(found.get(), settings))
                    .invoke(started -> {
                        if (started.failure() != null) {
                            LOG.warnf("approved job %s not started: %s", jobId, started.failure());
                        }
                    }).replaceWithVoid();
        });
    }

    @Override
    public Uni<Boolean> abandon(SqlConnection tx, String jobId, String reason, String actor) {
        return jobs.abandonHeld(tx, jobId, reason).chain(ended -> ended.isEmpty() ? Uni.createFrom().item(false)
                : credentials.revokeNow(tx, jobId).replaceWith(true));
    }
}
