package io.tuneops.support.notify;

import io.tuneops.support.config.InternalConfig;
import io.tuneops.support.config.UpstreamConfig;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * Makes the {@link OutboxRelay} of a service's outbox table from what every relay shares (the
 * database and its deadlines, the relay's settings, webhook-service's address and the internal
 * secret), so that a service's notification bean names only its table. The pool is looked up when
 * a relay is made: services without PostgreSQL share this library and never ask for one.
 */
@ApplicationScoped
public class OutboxRelays {

    private final Vertx vertx;
    private final Instance<Pool> pool;
    private final StoreDeadlines deadlines;
    private final OutboxRelayConfig config;
    private final UpstreamConfig upstreams;
    private final InternalConfig internal;

    public OutboxRelays(Vertx vertx, Instance<Pool> pool, StoreDeadlines deadlines, OutboxRelayConfig config,
                        UpstreamConfig upstreams, InternalConfig internal) {
        this.vertx = vertx;
        this.pool = pool;
        this.deadlines = deadlines;
        this.config = config;
        this.upstreams = upstreams;
        this.internal = internal;
    }

    /** A new relay for {@code table} ("schema.table"), not started yet. */
    public OutboxRelay forTable(String table) {
        return new OutboxRelay(vertx, pool.get(), deadlines, config, upstreams, internal, table);
    }
}
