package io.tuneops.support.health;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.Store;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis' readiness: one PING within TUNEOPS_READINESS_TIMEOUT. Replaces Quarkus' own check, which
 * waits for the client's blocking timeout and so can outlast the probe.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "quarkus.redis.health.enabled", stringValue = "true", enableIfMissing = true)
public class RedisReadinessCheck implements AsyncHealthCheck {

    static final String NAME = "Redis";

    private final ReactiveRedisDataSource redis;
    private final StoreDeadlines deadlines;

    public RedisReadinessCheck(ReactiveRedisDataSource redis, StoreDeadlines deadlines) {
        this.redis = redis;
        this.deadlines = deadlines;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return StoreReadiness.check(NAME, Store.REDIS, deadlines, Uni.createFrom().deferred(() -> redis.execute("PING")));
    }
}
