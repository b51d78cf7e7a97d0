package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.figures.ProviderHealth;
import io.tuneops.support.figures.ProviderHealthList;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.repository.ProviderHealthRepository;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Live provider API checks for the guide's {@code /api/cloud/health?include_providers=true}, as
 * service-support's ProviderHealthList. Each outcome is recorded, so that a provider turning
 * unhealthy is reported once (system.provider_unhealthy) whichever replica checks it.
 */
@ApplicationScoped
public class ProviderHealthChecks {

    private static final Logger LOG = Logger.getLogger(ProviderHealthChecks.class);

    private final ProviderConfigService providers;
    private final ReplicateClient replicate;
    private final ProviderHealthRepository health;

    public ProviderHealthChecks(ProviderConfigService providers, ReplicateClient replicate, ProviderHealthRepository health) {
        this.providers = providers;
        this.replicate = replicate;
        this.health = health;
    }

    public Uni<ProviderHealthList> checkAll() {
        ProviderHealth generic = new ProviderHealth("generic", "healthy", null, "jobs report themselves; nothing to call");
        return replicate().map(checked -> new ProviderHealthList(List.of(checked, generic))).call(this::record);
    }

    /** A failure to record is logged: the check's answer stands, and the next check records the state again. */
    private Uni<Void> record(ProviderHealthList checked) {
        return health.record(checked.providers().stream()
                        .map(p -> new ProviderHealthRepository.Checked(p.name(), p.status(), p.message())).toList())
                .onFailure().invoke(e -> LOG.warnf("provider health not recorded: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Replicate's account endpoint: proves token, network path (proxy, CA) and that Replicate answers. */
    private Uni<ProviderHealth> replicate() {
        return providers.settings("replicate").chain(settings -> {
            if (settings.apiToken().isEmpty()) {
                return Uni.createFrom().item(new ProviderHealth("replicate", "unconfigured", null, "no API token configured"));
            }
            long start = System.nanoTime();
            return replicate.account(settings)
                    .map(account -> new ProviderHealth("replicate", "healthy", elapsed(start),
                            "account " + account.username() + " reachable"))
                    .onFailure().recoverWithItem(e -> new ProviderHealth("replicate", "unhealthy", elapsed(start), e.getMessage()));
        });
    }

    private static double elapsed(long start) {
        return Math.round((System.nanoTime() - start) / 100_000.0) / 10.0;
    }
}
