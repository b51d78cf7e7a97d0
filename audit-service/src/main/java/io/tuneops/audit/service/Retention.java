package io.tuneops.audit.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.audit.config.AuditConfig;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Deletes entries older than the retention period (365 days by default), once an hour. The cut
 * falls just before the oldest entry to keep, and a signed checkpoint of the last deleted entry's
 * hash is written first, so verifying what remains starts from a link that is still provable.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final Pool pool;
    private final Checkpoints checkpoints;
    private final AuditConfig config;
    private final Vertx vertx;
    private long timer = -1;

    public Retention(Pool pool, Checkpoints checkpoints, AuditConfig config, Vertx vertx) {
        this.pool = pool;
        this.checkpoints = checkpoints;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(3_600_000L, id -> applyAt(OffsetDateTime.now(ZoneOffset.UTC).minus(config.retention()))
                .subscribe().with(n -> { }, e -> LOG.warnf("retention not applied: %s", e.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /** Deletes the entries before the first one at or after {@code cutoff}; returns how many. */
    public Uni<Long> applyAt(OffsetDateTime cutoff) {
        return pool.withTransaction(tx -> tx.query("SELECT seq FROM audit.chain_head WHERE id = 1 FOR UPDATE").execute()
                .flatMap(head -> tx.preparedQuery("""
                                SELECT coalesce((SELECT min(seq) FROM audit.entries WHERE time >= $1),
                                                (SELECT seq + 1 FROM audit.chain_head WHERE id = 1)) - 1 AS cut""")
                        .execute(Tuple.of(cutoff)))
                .flatMap(rows -> {
                    long cut = rows.iterator().next().getLong("cut");
                    return tx.preparedQuery("SELECT entry_hash FROM audit.entries WHERE seq = $1").execute(Tuple.of(cut))
                            .flatMap(last -> {
                                if (last.size() == 0) {
                                    return Uni.createFrom().item(0L); // nothing (more) to delete
                                }
                                Row row = last.iterator().next();
                                return checkpoints.write(tx, cut, row.getBuffer("entry_hash").getBytes(), "retention")
                                        .flatMap(c -> tx.preparedQuery("""
                                                        UPDATE audit.type_counts t SET entries = t.entries - d.n
                                                        FROM (SELECT type, count(*) AS n FROM audit.entries WHERE seq <= $1 GROUP BY type) d
                                                        WHERE t.type = d.type""").execute(Tuple.of(cut)))
                                        .flatMap(c -> tx.preparedQuery("DELETE FROM audit.entries WHERE seq <= $1")
                                                .execute(Tuple.of(cut)))
                                        .map(deleted -> (long) deleted.rowCount());
                            });
                }))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("retention: %d audit entries older than %s deleted", n, cutoff);
                    }
                });
    }
}
