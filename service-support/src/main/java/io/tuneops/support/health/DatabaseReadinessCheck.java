package io.tuneops.support.health;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.Store;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * PostgreSQL's readiness: one round trip within TUNEOPS_READINESS_TIMEOUT. Replaces Quarkus' own
 * check, which waits up to 20 s for a database that stopped answering and so outlasts the probe.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "quarkus.datasource.health.enabled", stringValue = "true", enableIfMissing = true)
public class DatabaseReadinessCheck implements AsyncHealthCheck {

    static final String NAME = "PostgreSQL";

    private final Instance<Pool> pool;
    private final StoreDeadlines deadlines;

    public DatabaseReadinessCheck(Instance<Pool> pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return StoreReadiness.check(NAME, Store.DATABASE, deadlines,
                Uni.createFrom().deferred(() -> pool.get().query("SELECT 1").execute()));
    }
}
