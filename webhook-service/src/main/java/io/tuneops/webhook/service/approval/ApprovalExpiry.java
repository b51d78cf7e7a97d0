package io.tuneops.webhook.service.approval;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.webhook.config.ApprovalConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Expires overdue approval requests every {@code tuneops.approvals.check-interval} on every
 * replica; the sweep's advisory lock lets one replica at a time do it (the others' ticks find it
 * taken and do nothing). Ticks as JobMaintenance's upkeep does: the service has no scheduler
 * extension, and a tick that finds the previous sweep still running is dropped.
 */
@ApplicationScoped
public class ApprovalExpiry {

    /** Who expiry decisions are audited as. */
    public static final String ACTOR = "system:approval-expiry";
    private static final Logger LOG = Logger.getLogger(ApprovalExpiry.class);

    private final ApprovalDecisions decisions;
    private final ApprovalConfig config;
    private Cancellable ticks;

    public ApprovalExpiry(ApprovalDecisions decisions, ApprovalConfig config) {
        this.decisions = decisions;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        ticks = Multi.createFrom().ticks().startingAfter(config.checkInterval()).every(config.checkInterval())
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> decisions.expireOverdue(ACTOR, null)
                        .invoke(n -> {
                            if (n > 0) {
                                LOG.infof("expired %d approval requests", n);
                            }
                        })
                        .onFailure().invoke(e -> LOG.warnf("approval requests not expired this time: %s", e.toString()))
                        .onFailure().recoverWithItem(0))
                .subscribe().with(n -> { }, e -> LOG.errorf("approval expiry stopped: %s", e.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (ticks != null) {
            ticks.cancel();
        }
    }
}
