package io.tuneops.audit.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.audit.service.AuditEntry;
import io.tuneops.audit.service.IncomingEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

@ApplicationScoped
public class EntryRepository {

    static final String COLUMNS = "seq, event_id, time, type, actor, actor_ip, target_type, target_id, action, details, "
            + "previous_hash, entry_hash";

    private final Pool pool;
    private final ObjectMapper json;
    private final StoreDeadlines deadlines;

    public EntryRepository(Pool pool, ObjectMapper json, StoreDeadlines deadlines) {
        this.pool = pool;
        this.json = json;
        this.deadlines = deadlines;
    }

    /**
     * Appends what is new in {@code events} to the chain in one transaction. The head row is
     * locked first, so concurrent writers (several replicas) take turns and the chain has one
     * order; events already stored (a redelivery) are skipped, so appending is idempotent.
     *
     * @return how many entries were added
     */
    public Uni<Integer> append(List<IncomingEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String[] ids = events.stream().map(IncomingEvent::id).distinct().toArray(String[]::new);
        return deadlines.transaction(pool, tx -> tx.query("SELECT seq, head_hash FROM audit.chain_head WHERE id = 1 FOR UPDATE").execute()
                .flatMap(head -> tx.preparedQuery("SELECT event_id FROM audit.entries WHERE event_id = ANY($1)")
                        .execute(Tuple.of(ids))
                        .flatMap(existing -> {
                            Set<String> seen = new HashSet<>();
                            existing.forEach(r -> seen.add(r.getString(0)));
                            Row h = head.iterator().next();
                            long seq = h.getLong("seq");
                            byte[] previous = h.getBuffer("head_hash").getBytes();
                            List<Tuple> rows = new ArrayList<>();
                            for (IncomingEvent e : events) {
                                if (!seen.add(e.id())) {
                                    continue;
                                }
                                seq++;
                                byte[] hash = AuditEntry.chain(previous, AuditEntry.canonical(seq, e.id(), e.time(), e.type(),
                                        e.actor(), e.actorIp(), e.targetType(), e.targetId(), e.action(), e.details()));
                                rows.add(Tuple.tuple(Arrays.asList(seq, e.id(), OffsetDateTime.ofInstant(e.time(), ZoneOffset.UTC),
                                        e.type(), e.actor(), e.actorIp(), e.targetType(), e.targetId(), e.action(),
                                        new JsonObject(e.details().toString()), Buffer.buffer(previous), Buffer.buffer(hash))));
                                previous = hash;
                            }
                            if (rows.isEmpty()) {
                                return Uni.createFrom().item(0);
                            }
                            long last = seq;
                            byte[] headHash = previous;
                            Map<String, Long> perType = new LinkedHashMap<>();
                            rows.forEach(row -> perType.merge(row.getString(3), 1L, Long::sum));
                            return tx.preparedQuery("INSERT INTO audit.entries (" + COLUMNS
                                            + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                                    .executeBatch(rows)
                                    .flatMap(x -> tx.preparedQuery("UPDATE audit.chain_head SET seq = $1, head_hash = $2 WHERE id = 1")
                                            .execute(Tuple.of(last, Buffer.buffer(headHash))))
                                    .flatMap(x -> tx.preparedQuery("""
                                                    INSERT INTO audit.type_counts (type, entries)
                                                    SELECT * FROM unnest($1::text[], $2::bigint[])
                                                    ON CONFLICT (type) DO UPDATE SET entries = audit.type_counts.entries + EXCLUDED.entries""")
                                            .execute(Tuple.of(perType.keySet().toArray(new String[0]),
                                                    perType.values().toArray(new Long[0]))))
                                    .map(x -> rows.size());
                        })));
    }

    /** Filters of the query API; null means "any". */
    public record Filter(List<String> types, String actor, String actorIp, String targetType, String targetId,
                         OffsetDateTime since, OffsetDateTime until) {
    }

    public record Page(List<AuditEntry> entries, long total, boolean hasMore) {
    }

    /**
     * Newest first, {@code limit} entries below {@code beforeSeq} (keyset pagination; null: from the
     * newest), after skipping {@code offset} of them.
     */
    public Uni<Page> query(Filter filter, int limit, int offset, Long beforeSeq) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        if (filter.types() != null && !filter.types().isEmpty()) {
            params.add(filter.types().toArray(new String[0]));
            where.append(" AND type = ANY($").append(params.size()).append(")");
        }
        condition(where, params, "actor", filter.actor());
        condition(where, params, "actor_ip", filter.actorIp());
        condition(where, params, "target_type", filter.targetType());
        condition(where, params, "target_id", filter.targetId());
        if (filter.since() != null) {
            params.add(filter.since());
            where.append(" AND time >= $").append(params.size());
        }
        if (filter.until() != null) {
            params.add(filter.until());
            where.append(" AND time <= $").append(params.size());
        }
        List<Object> countParams = new ArrayList<>(params);
        boolean typesOnly = filter.actor() == null && filter.actorIp() == null && filter.targetType() == null
                && filter.targetId() == null && filter.since() == null && filter.until() == null;
        // the whole trail, or whole types: the running counts answer without scanning
        String countSql = !typesOnly ? "SELECT count(*) FROM audit.entries" + where
                : filter.types() == null || filter.types().isEmpty()
                ? "SELECT coalesce(sum(entries), 0)::bigint FROM audit.type_counts"
                : "SELECT coalesce(sum(entries), 0)::bigint FROM audit.type_counts WHERE type = ANY($1)";
        if (beforeSeq != null) {
            params.add(beforeSeq);
            where.append(" AND seq < $").append(params.size());
        }
        params.add(limit + 1);
        params.add(offset);
        String paging = "LIMIT $" + (params.size() - 1) + " OFFSET $" + params.size();
        boolean timeRange = filter.since() != null || filter.until() != null;
        // the total first: it also tells how to read the page. A time range holding few entries is
        // read through the time index and sorted (scanning seq backwards would wade through every
        // newer entry to reach an old day); a wide one is read along seq, newest first
        return deadlines.database(pool.preparedQuery(countSql).execute(Tuple.tuple(countParams))).flatMap(count -> {
            long total = count.iterator().next().getLong(0);
            String sql = timeRange && total <= 50_000
                    ? "SELECT " + COLUMNS + " FROM (SELECT " + COLUMNS + " FROM audit.entries" + where
                    + " OFFSET 0) narrowed ORDER BY seq DESC " + paging
                    : "SELECT " + COLUMNS + " FROM audit.entries" + where + " ORDER BY seq DESC " + paging;
            return deadlines.database(pool.preparedQuery(sql).execute(Tuple.tuple(params))).map(rows -> {
                List<AuditEntry> entries = new ArrayList<>();
                rows.forEach(r -> entries.add(map(r)));
                boolean more = entries.size() > limit;
                return new Page(more ? entries.subList(0, limit) : entries, total, more);
            });
        });
    }

    private static void condition(StringBuilder where, List<Object> params, String column, String value) {
        if (value != null) {
            params.add(value);
            where.append(" AND ").append(column).append(" = $").append(params.size());
        }
    }

    /**
     * Runs {@code reads} in one REPEATABLE READ, READ ONLY transaction on one connection: every
     * statement sees the same snapshot, so an append, a checkpoint or a retention run committed
     * meanwhile is either wholly seen or not at all.
     */
    public <T> Uni<T> inSnapshot(Function<SqlClient, Uni<T>> reads) {
        return pool.withConnection(c -> deadlines.database(c.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute())
                .chain(() -> reads.apply(c))
                // nothing was written: ending it either way gives the connection back clean
                .eventually(() -> deadlines.database(c.query("ROLLBACK").execute()).onFailure().recoverWithNull()));
    }

    /** Entries with {@code fromSeq <= seq <= toSeq}, in chain order, at most {@code limit}. */
    public Uni<List<AuditEntry>> range(SqlClient db, long fromSeq, long toSeq, int limit) {
        return deadlines.database(db.preparedQuery("SELECT " + COLUMNS + " FROM audit.entries WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3")
                .execute(Tuple.of(fromSeq, toSeq, limit)))
                .map(rows -> {
                    List<AuditEntry> entries = new ArrayList<>();
                    rows.forEach(r -> entries.add(map(r)));
                    return entries;
                });
    }

    public record Head(long seq, byte[] hash) {
    }

    public Uni<Head> head() {
        return head(pool);
    }

    public Uni<Head> head(SqlClient db) {
        return deadlines.database(db.query("SELECT seq, head_hash FROM audit.chain_head WHERE id = 1").execute())
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Head(r.getLong("seq"), r.getBuffer("head_hash").getBytes());
                });
    }

    /** The entry hash just before {@code seq} (the zero hash before the first entry), or null if that row is gone. */
    public Uni<byte[]> hashBefore(SqlClient db, long seq) {
        if (seq <= 1) {
            return Uni.createFrom().item(new byte[32]);
        }
        return deadlines.database(db.preparedQuery("SELECT entry_hash FROM audit.entries WHERE seq = $1").execute(Tuple.of(seq - 1)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBuffer(0).getBytes());
    }

    /**
     * The oldest entry still stored (retention deletes from the start), or null when none is:
     * the table can be empty after entries were stored, so "none" must not read as "starts at 1".
     */
    public Uni<Long> firstSeq(SqlClient db) {
        return deadlines.database(db.query("SELECT min(seq) FROM audit.entries").execute())
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Long> seqAtOrAfter(OffsetDateTime time) {
        return deadlines.database(pool.preparedQuery("SELECT coalesce(min(seq), 9223372036854775807) FROM audit.entries WHERE time >= $1")
                .execute(Tuple.of(time))).map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Long> seqAtOrBefore(OffsetDateTime time) {
        return deadlines.database(pool.preparedQuery("SELECT coalesce(max(seq), 0) FROM audit.entries WHERE time <= $1")
                .execute(Tuple.of(time))).map(rows -> rows.iterator().next().getLong(0));
    }

    /** The figures of the trail; the first and last entries' times are null while it holds none. */
    public record Stats(long total, long last24h, Map<String, Long> byType, Instant firstEntry, Instant lastEntry) {
    }

    public Uni<Stats> stats() {
        return deadlines.database(pool.query("SELECT type, entries FROM audit.type_counts WHERE entries > 0 ORDER BY type").execute())
                .flatMap(rows -> deadlines.database(pool.query("""
                                SELECT (SELECT count(*) FROM audit.entries WHERE time > now() - interval '24 hours'),
                                       (SELECT time FROM audit.entries ORDER BY seq LIMIT 1),
                                       (SELECT time FROM audit.entries ORDER BY seq DESC LIMIT 1)""")
                        .execute()).map(figures -> {
                            long total = 0;
                            Map<String, Long> byType = new LinkedHashMap<>();
                            for (Row r : rows) {
                                byType.put(r.getString(0), r.getLong(1));
                                total += r.getLong(1);
                            }
                            Row row = figures.iterator().next();
                            return new Stats(total, row.getLong(0), byType, instant(row.getOffsetDateTime(1)),
                                    instant(row.getOffsetDateTime(2)));
                        }));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private AuditEntry map(Row r) {
        JsonObject stored = r.getJsonObject("details");
        JsonNode details = json.valueToTree(stored == null ? Map.of() : stored.getMap());
        Instant time = r.getOffsetDateTime("time").toInstant();
        return new AuditEntry(r.getLong("seq"), r.getString("event_id"), time, r.getString("type"), r.getString("actor"),
                r.getString("actor_ip"), r.getString("target_type"), r.getString("target_id"), r.getString("action"),
                details, r.getBuffer("previous_hash").getBytes(), r.getBuffer("entry_hash").getBytes());
    }
}
