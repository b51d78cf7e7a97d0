package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.proxy.Owner;
import io.tuneops.support.config.UpstreamConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The description of the whole public API: the gateway's own and every owner's, asked in parallel
 * and merged ({@link DescriptionMerger}), then kept for a short while. When an owner cannot be
 * asked the whole description fails, naming it: a description silently missing a service would
 * look complete to a client generator.
 */
@ApplicationScoped
public class CombinedDescription {

    /** The gateway's own public prefixes, beside the ones it forwards ({@link Owner}). */
    static final List<String> GATEWAY_PREFIXES = List.of("/api/auth", "/api/openapi", "/api/users", "/api/orgs");
    private static final Logger LOG = Logger.getLogger(CombinedDescription.class);

    /** A service whose description is asked for. */
    record Source(String service, List<String> prefixes, Supplier<Uni<ObjectNode>> fetch) {
    }

    private record Fetched(Source source, ObjectNode document, Throwable failure) {
    }

    private record Cached(ObjectNode document, long expiresAtNanos) {
    }

    private final List<Source> sources;
    private final Duration ttl;
    private final String version;
    private volatile Cached cached;

    @Inject
    public CombinedDescription(DescriptionClient client, UpstreamConfig upstreams, OpenApiConfig config) {
        this(sources(client, upstreams), config.cacheTtl(), config.version());
    }

    CombinedDescription(List<Source> sources, Duration ttl, String version) {
        this.sources = List.copyOf(sources);
        this.ttl = ttl;
        this.version = version;
    }

    private static List<Source> sources(DescriptionClient client, UpstreamConfig upstreams) {
        List<Source> sources = new ArrayList<>();
        sources.add(new Source("gateway-service", GATEWAY_PREFIXES, client::gateway));
        for (Owner owner : Owner.values()) {
            if (!owner.servesApi()) {
                continue;
            }
            String address = owner.address(upstreams);
            sources.add(new Source(owner.serviceName(), owner.prefixes(), () -> client.owner(address)));
        }
        return sources;
    }

    /** The combined description; fails with {@link DescriptionUnavailableException} when a service cannot be asked. */
    public Uni<ObjectNode> get() {
        Cached current = cached;
        if (current != null && current.expiresAtNanos() - System.nanoTime() > 0) {
            return Uni.createFrom().item(current.document());
        }
        List<Uni<Fetched>> fetches = sources.stream().map(source -> Uni.createFrom().<ObjectNode>deferred(() -> source.fetch().get())
                .map(document -> new Fetched(source, document, null))
                .onFailure().recoverWithItem(failure -> new Fetched(source, null, failure))).toList();
        return Uni.join().all(fetches).andFailFast().map(this::combine);
    }

    private ObjectNode combine(List<Fetched> fetched) {
        List<String> unavailable = new ArrayList<>();
        List<ServiceDescription> descriptions = new ArrayList<>();
        for (Fetched f : fetched) {
            if (f.failure() != null) {
                LOG.warnf("no API description from %s: %s", f.source().service(), f.failure().toString());
                unavailable.add(f.source().service());
            } else {
                descriptions.add(new ServiceDescription(f.source().service(), f.source().prefixes(), f.document()));
            }
        }
        if (!unavailable.isEmpty()) {
            throw new DescriptionUnavailableException(unavailable);
        }
        ObjectNode combined = DescriptionMerger.merge(version, descriptions);
        cached = new Cached(combined, System.nanoTime() + ttl.toNanos());
        return combined;
    }
}
