package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.figures.ProviderHealth;
import io.tuneops.support.figures.ProviderHealthList;
import io.tuneops.webhook.client.ReplicateClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Live provider API checks for the guide's {@code /api/cloud/health?include_providers=true}, as
 * service-support's ProviderHealthList.
 */
@ApplicationScoped
public class ProviderHealthChecks {

    private final ProviderConfigService providers;
    private final ReplicateClient replicate;

    public ProviderHealthChecks(ProviderConfigService providers, ReplicateClient replicate) {
        this.providers = providers;
        this.replicate = replicate;
    }

    public Uni<ProviderHealthList> checkAll() {
        ProviderHealth generic = new ProviderHealth("generic", "healthy", null, "jobs report themselves; nothing to call");
        return replicate().map(checked -> new ProviderHealthList(List.of(checked, generic)));
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
