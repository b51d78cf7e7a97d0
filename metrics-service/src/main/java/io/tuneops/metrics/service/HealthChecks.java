package io.tuneops.metrics.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.client.OwnerFiguresClient;
import io.tuneops.support.config.InternalConfig;
import io.tuneops.support.store.Store;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.support.figures.ProviderHealth;
import io.tuneops.support.figures.ProviderHealthList;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The full health check: PostgreSQL and Redis round trips with their latency, whether the
 * secrets this service needs are configured, and every other service's readiness; on request also
 * webhook-service's live provider checks. Checks run in parallel, each bounded by its timeout; a
 * check never fails, it reports.
 */
@ApplicationScoped
public class HealthChecks {

    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String UNHEALTHY = "unhealthy";

    /** One component as the guide shows it; {@code latencyMs} is null where nothing was timed. */
    public record Component(String name, String status, Double latencyMs, String message) {
        public boolean healthy() {
            return HEALTHY.equals(status);
        }
    }

    public record Report(String status, double uptimeSeconds, List<Component> components) {
    }

    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final ServiceReadiness readiness;
    private final OwnerFiguresClient owners;
    private final boolean internalSecret;
    private final StoreDeadlines deadlines;

    public HealthChecks(Pool pool, ReactiveRedisDataSource redis, ServiceReadiness readiness, OwnerFiguresClient owners,
                        InternalConfig internal, StoreDeadlines deadlines) {
        this.pool = pool;
        this.redis = redis;
        this.readiness = readiness;
        this.owners = owners;
        this.internalSecret = internal.secret().filter(s -> !s.isBlank()).isPresent();
        this.deadlines = deadlines;
    }

    /**
     * Seconds since this process started (the JVM's start, not the first scrape), from the JVM's
     * monotonic clock: a wall-clock step (NTP) must not move uptime.
     */
    public static double uptimeSeconds() {
        return ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    }

    public Uni<Report> check() {
        return Uni.combine().all().unis(database(), redis(), readiness.services()).with((db, rd, services) -> {
            List<Component> components = new ArrayList<>();
            components.add(db);
            components.add(rd);
            components.add(secrets());
            services.forEach(s -> components.add(new Component(s.name(), s.ready() ? HEALTHY : UNHEALTHY,
                    s.latencyMs(), s.message())));
            return new Report(overall(components), uptimeSeconds(), components);
        });
    }

    /** Which live provider checks a full check adds (none, the guide's per-provider ones, the original's Replicate one). */
    public record ProviderChecks(boolean perProvider, boolean replicateApi) {
        public static final ProviderChecks NONE = new ProviderChecks(false, false);

        boolean any() {
            return perProvider || replicateApi;
        }
    }

    /** The original implementation's component for {@code include_replicate=true}. */
    public static final String REPLICATE_API = "replicate_api";

    /**
     * The full check plus the provider checks asked for, from webhook-service's live API checks:
     * {@code perProvider} (the guide's {@code include_providers}) adds one {@code provider:<name>}
     * component per provider, {@code replicateApi} (the original's {@code include_replicate}) the
     * Replicate check under the original's name {@code replicate_api}. Both ask webhook-service once.
     * A provider that answers unhealthy degrades a healthy suite; one without credentials, or
     * provider checks that cannot be read at all, are reported degraded without degrading it.
     */
    public Uni<Report> check(ProviderChecks wanted) {
        if (!wanted.any()) {
            return check();
        }
        Uni<List<Component>> providers = owners.providerHealth().map(list -> providerComponents(list, wanted))
                .onFailure().recoverWithItem(e -> unavailable(wanted, "provider checks unavailable: " + e.getMessage()));
        return Uni.combine().all().unis(check(), providers).with(HealthChecks::withProviders);
    }

    static List<Component> providerComponents(ProviderHealthList list, ProviderChecks wanted) {
        List<ProviderHealth> checked = list.providers() == null ? List.of() : list.providers();
        List<Component> components = new ArrayList<>();
        if (wanted.perProvider()) {
            checked.forEach(p -> components.add(new Component("provider:" + p.name(), componentStatus(p.status()),
                    p.latency_ms(), p.message())));
        }
        if (wanted.replicateApi()) {
            components.add(checked.stream().filter(p -> "replicate".equals(p.name())).findFirst()
                    .map(p -> new Component(REPLICATE_API, componentStatus(p.status()), p.latency_ms(), p.message()))
                    .orElse(new Component(REPLICATE_API, DEGRADED, null, "webhook-service reported no Replicate check")));
        }
        return components;
    }

    static List<Component> unavailable(ProviderChecks wanted, String message) {
        List<Component> components = new ArrayList<>();
        if (wanted.perProvider()) {
            components.add(new Component("providers", DEGRADED, null, message));
        }
        if (wanted.replicateApi()) {
            components.add(new Component(REPLICATE_API, DEGRADED, null, message));
        }
        return components;
    }

    /**
     * A provider check's status within the guide's three. webhook-service also reports
     * {@code unconfigured} (no API token): not a failure of the suite, but not a working provider
     * either, so degraded, as the original reported its skipped Replicate check; anything else it
     * might send one day is degraded too rather than an undocumented value.
     */
    static String componentStatus(String providerStatus) {
        return HEALTHY.equals(providerStatus) || UNHEALTHY.equals(providerStatus) ? providerStatus : DEGRADED;
    }

    /** Only a provider that fails its check degrades the suite; degraded provider components (no token, not read) do not. */
    static Report withProviders(Report suite, List<Component> providers) {
        List<Component> components = new ArrayList<>(suite.components());
        components.addAll(providers);
        String status = suite.status();
        if (HEALTHY.equals(status) && providers.stream().anyMatch(c -> UNHEALTHY.equals(c.status()))) {
            status = DEGRADED;
        }
        return new Report(status, suite.uptimeSeconds(), components);
    }

    /**
     * Unhealthy when PostgreSQL or Redis is: nothing works without them. Degraded when anything
     * else is not healthy (a service down, a secret missing): part of the suite still works.
     */
    static String overall(List<Component> components) {
        String status = HEALTHY;
        for (Component c : components) {
            if (c.healthy()) {
                continue;
            }
            if (c.name().equals("database") || c.name().equals("redis")) {
                return UNHEALTHY;
            }
            status = DEGRADED;
        }
        return status;
    }

    public Uni<Component> database() {
        long start = System.nanoTime();
        return deadlines.readiness(pool.query("SELECT 1").execute(), Store.DATABASE)
                .map(rows -> new Component("database", HEALTHY, ServiceReadiness.millisSince(start),
                        "PostgreSQL accessible"))
                .onFailure().recoverWithItem(e -> new Component("database", UNHEALTHY, ServiceReadiness.millisSince(start),
                        "PostgreSQL not accessible: " + ServiceReadiness.reason(e)));
    }

    public Uni<Component> redis() {
        long start = System.nanoTime();
        return deadlines.readiness(redis.execute("PING"), Store.REDIS)
                .map(reply -> new Component("redis", HEALTHY, ServiceReadiness.millisSince(start), "Redis accessible"))
                .onFailure().recoverWithItem(e -> new Component("redis", UNHEALTHY, ServiceReadiness.millisSince(start),
                        "Redis not accessible: " + ServiceReadiness.reason(e)));
    }

    private Component secrets() {
        return internalSecret
                ? new Component("secrets", HEALTHY, null, "Internal secret configured")
                : new Component("secrets", DEGRADED, null,
                "TUNEOPS_INTERNAL_SECRET not configured: the owners' figures cannot be read");
    }
}
