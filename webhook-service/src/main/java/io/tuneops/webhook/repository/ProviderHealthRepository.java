package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * webhook.provider_health: each provider's last checked status across replicas. Its trigger
 * reports a provider turning unhealthy (system.provider_unhealthy, V8__notification_producers.sql).
 */
@ApplicationScoped
public class ProviderHealthRepository {

    /** One check's outcome. */
    public record Checked(String provider, String status, String detail) {
    }

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public ProviderHealthRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /**
     * Records the outcomes; a row changes only when its status does, so a steady state writes
     * nothing and concurrent checks of a change agree on which of them made it (the row lock).
     */
    public Uni<Void> record(List<Checked> checks) {
        if (checks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return deadlines.database(pool.preparedQuery("""
                        INSERT INTO webhook.provider_health (provider, status, detail)
                        SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                        ON CONFLICT (provider) DO UPDATE SET status = EXCLUDED.status, detail = EXCLUDED.detail, changed_at = now()
                        WHERE provider_health.status IS DISTINCT FROM EXCLUDED.status""")
                .execute(Tuple.of(checks.stream().map(Checked::provider).toArray(String[]::new),
                        checks.stream().map(Checked::status).toArray(String[]::new),
                        checks.stream().map(Checked::detail).toArray(String[]::new))))
                .replaceWithVoid();
    }
}
