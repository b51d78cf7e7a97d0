package io.tuneops.audit.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.audit.config.AuditConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs the chain head periodically (and at every retention cut): seq, head hash, entry count and
 * time under an HMAC whose key only audit-service holds. Someone who can edit the database can
 * recompute hashes and rewrite the head, but cannot sign; a checkpoint beyond the last entry, or
 * one whose hash the chain no longer reaches, shows truncation and rewriting.
 */
@ApplicationScoped
public class Checkpoints {

    private static final Logger LOG = Logger.getLogger(Checkpoints.class);

    private final Pool pool;
    private final SecretKeySpec key;
    private final AuditConfig config;
    private final Vertx vertx;
    private final StoreDeadlines deadlines;
    private long timer = -1;

    public Checkpoints(Pool pool, AuditConfig config, Vertx vertx, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
        this.config = config;
        this.vertx = vertx;
        this.key = new SecretKeySpec(config.checkpointKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public record Checkpoint(long seq, byte[] headHash, long entryCount, OffsetDateTime createdAt, String reason,
                             byte[] signature) {
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.checkpointEvery().toMillis(), id -> checkpointHead()
                .subscribe().with(c -> { }, e -> LOG.warnf("checkpoint not written: %s", e.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /** Signs the current head unless it is already signed; null when there was nothing new. */
    public Uni<Checkpoint> checkpointHead() {
        return deadlines.transaction(pool, tx -> tx.query("SELECT seq, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE").execute()
                .flatMap(rows -> {
                    Row head = rows.iterator().next();
                    long seq = head.getLong("seq");
                    if (seq == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    return tx.preparedQuery("SELECT 1 FROM audit.checkpoints WHERE seq = $1").execute(Tuple.of(seq))
                            .flatMap(existing -> existing.size() > 0 ? Uni.createFrom().nullItem()
                                    : write(tx, seq, head.getBuffer("head_hash").getBytes(), "periodic"));
                }));
    }

    /**
     * Writes a signed checkpoint for entry {@code seq}. Sequence numbers are dense from 1, so the
     * number of entries the chain had up to it is {@code seq} itself, deleted ones included.
     */
    public Uni<Checkpoint> write(SqlClient tx, long seq, byte[] headHash, String reason) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        Checkpoint checkpoint = new Checkpoint(seq, headHash, seq, now, reason, sign(seq, headHash, seq, now));
        return tx.preparedQuery("INSERT INTO audit.checkpoints (seq, head_hash, entry_count, created_at, reason, signature) "
                        + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING")
                .execute(Tuple.of(seq, Buffer.buffer(headHash), seq, now, reason, Buffer.buffer(checkpoint.signature())))
                .replaceWith(checkpoint);
    }

    public Uni<List<Checkpoint>> between(SqlClient db, long fromSeq, long toSeq) {
        return deadlines.database(db.preparedQuery("SELECT seq, head_hash, entry_count, created_at, reason, signature FROM audit.checkpoints "
                        + "WHERE seq >= $1 AND seq <= $2 ORDER BY seq").execute(Tuple.of(fromSeq, toSeq)))
                .map(rows -> {
                    List<Checkpoint> all = new ArrayList<>();
                    rows.forEach(r -> all.add(map(r)));
                    return all;
                });
    }

    public Uni<Checkpoint> latest(SqlClient db) {
        return deadlines.database(db.query("SELECT seq, head_hash, entry_count, created_at, reason, signature FROM audit.checkpoints "
                        + "ORDER BY seq DESC LIMIT 1").execute())
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public Uni<Checkpoint> at(SqlClient db, long seq) {
        return deadlines.database(db.preparedQuery("SELECT seq, head_hash, entry_count, created_at, reason, signature FROM audit.checkpoints "
                        + "WHERE seq = $1").execute(Tuple.of(seq)))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public boolean authentic(Checkpoint c) {
        return MessageDigest.isEqual(c.signature(), sign(c.seq(), c.headHash(), c.entryCount(), c.createdAt()));
    }

    private byte[] sign(long seq, byte[] headHash, long count, OffsetDateTime at) {
        String message = seq + "|" + HexFormat.of().formatHex(headHash) + "|" + count + "|" + at.toInstant();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Checkpoint map(Row r) {
        return new Checkpoint(r.getLong("seq"), r.getBuffer("head_hash").getBytes(), r.getLong("entry_count"),
                r.getOffsetDateTime("created_at"), r.getString("reason"), r.getBuffer("signature").getBytes());
    }
}
