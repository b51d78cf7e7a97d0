package io.tuneops.storage.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** storage.objects: which objects exist and their metadata. */
@ApplicationScoped
public class ObjectRepository {

    static final String COLUMNS = "bucket, key, size, etag, content_type, checksum_algorithm, checksum_value, checksum_type, "
            + "headers, parts_count, part_sizes, last_modified, upload_id, part_checksums";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public ObjectRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Uni<Optional<ObjectRow>> find(String bucket, String key) {
        return deadlines.database(find(pool, bucket, key));
    }

    public Uni<Optional<ObjectRow>> find(SqlClient client, String bucket, String key) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM storage.objects WHERE bucket = $1 AND key = $2")
                .execute(Tuple.of(bucket, key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(row(rows.iterator().next())));
    }

    /** The lock every change of a key takes (and, shared, every read of its file); its key is bucket/key. */
    private static final String KEY_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
    private static final String SHARED_KEY_LOCK = "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))";

    private static final String UPSERT = upsertSql("now()");

    /**
     * The upsert and, in the same statement, the job's first-object marker and event: the job goes
     * into jobs_with_objects unless it is there, and only the insert that added it queues the event
     * (data-modifying WITH clauses run whether or not the final statement reads them). A later
     * object of the job that comes this way (from a replica that has not seen the job yet) adds one
     * primary-key probe that finds the job, and no write.
     */
    private static final String UPSERT_WITH_FIRST_OBJECT_EVENT = "WITH object AS (" + UPSERT + "), "
            + firstObjectEventSql("VALUES ($14)");

    /**
     * The key's lock and the upsert in one statement, a round trip fewer than taking the lock on
     * its own. Every write in the statement reads from the clause that takes the lock (the row's
     * timestamp, the job's marker), so PostgreSQL takes the lock before it writes anything, as a
     * separate lock statement would. The lock's key is the last parameter.
     */
    private static final String LOCKED_UPSERT = "WITH " + lockedSql(14) + " " + upsertSql("(SELECT at FROM locked)");
    private static final String LOCKED_UPSERT_WITH_FIRST_OBJECT_EVENT = "WITH " + lockedSql(17) + ", object AS ("
            + upsertSql("(SELECT at FROM locked)") + "), " + firstObjectEventSql("SELECT $14 FROM locked");

    private static String lockedSql(int keyParameter) {
        return "locked AS (SELECT now() AS at FROM (SELECT pg_advisory_xact_lock(hashtextextended($" + keyParameter + ", 0))) l)";
    }

    private static String upsertSql(String lastModified) {
        return "INSERT INTO storage.objects (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " + lastModified
                + ", $12, $13) ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag, "
                + "content_type = excluded.content_type, checksum_algorithm = excluded.checksum_algorithm, "
                + "checksum_value = excluded.checksum_value, checksum_type = excluded.checksum_type, "
                + "headers = excluded.headers, parts_count = excluded.parts_count, part_sizes = excluded.part_sizes, "
                + "last_modified = excluded.last_modified, upload_id = excluded.upload_id, part_checksums = excluded.part_checksums";
    }

    /** The job's marker from {@code jobId} (a VALUES or SELECT yielding $14), and the event when the marker is new. */
    private static String firstObjectEventSql(String jobId) {
        return "first AS (INSERT INTO storage.jobs_with_objects (job_id) " + jobId + " ON CONFLICT (job_id) DO NOTHING RETURNING job_id) "
                + "INSERT INTO storage.notification_outbox (event_id, payload) SELECT $15, $16::text::jsonb FROM first";
    }

    /**
     * Writes the object's row and, when it is the first object of {@code first}'s job (null: no
     * event), the event to the notification outbox, in one statement of the caller's transaction;
     * true when the event was queued.
     */
    public Uni<Boolean> upsert(SqlClient client, ObjectRow o, FirstObjectEvent first) {
        return client.preparedQuery(first == null ? UPSERT : UPSERT_WITH_FIRST_OBJECT_EVENT).execute(Tuple.from(arguments(o, first)))
                .map(rows -> first != null && rows.rowCount() == 1);
    }

    /**
     * A write without conditions: in a transaction, the key's lock, the row and (as in
     * {@link #upsert(SqlClient, ObjectRow, FirstObjectEvent)}) the first-object event in one
     * statement, then {@code beforeCommit} as in {@link #underKeyLock(String, String, Function, LastStep)},
     * then the COMMIT; true when the event was queued.
     */
    public Uni<Boolean> upsertUnderKeyLock(ObjectRow o, FirstObjectEvent first, LastStep<Boolean> beforeCommit) {
        Object[] arguments = append(arguments(o, first), o.bucket() + "/" + o.key());
        return deadlines.transaction(pool, tx -> tx.preparedQuery(first == null ? LOCKED_UPSERT : LOCKED_UPSERT_WITH_FIRST_OBJECT_EVENT)
                .execute(Tuple.from(arguments)).map(rows -> first != null && rows.rowCount() == 1), beforeCommit);
    }

    /** The row's values, then the first-object event's when there is one. */
    private static Object[] arguments(ObjectRow o, FirstObjectEvent first) {
        return first == null ? values(o) : append(values(o), first.jobId(), first.eventId(), first.payload());
    }


    private static Object[] append(Object[] values, Object... more) {
        Object[] all = Arrays.copyOf(values, values.length + more.length);
        System.arraycopy(more, 0, all, values.length, more.length);
        return all;
    }

    private static Object[] values(ObjectRow o) {
        return new Object[]{o.bucket(), o.key(), o.size(), o.etag(), o.contentType(), o.checksumAlgorithm(),
                o.checksumValue(), o.checksumType(), o.headers() == null ? new JsonObject() : o.headers(), o.partsCount(), o.partSizes(),
                o.uploadId(), o.partChecksums()};
    }

    /**
     * Runs {@code work} in a transaction holding a lock on the key (a PostgreSQL advisory lock, so
     * it holds across replicas): moving a file into place and writing its row happen as one step
     * for concurrent writers and deleters of the same key, which therefore never end with one
     * writer's bytes under another's metadata.
     */
    public <T> Uni<T> underKeyLock(String bucket, String key, Function<SqlClient, Uni<T>> work) {
        return underKeyLock(bucket, key, work, (result, left) -> Uni.createFrom().voidItem());
    }

    /**
     * {@link #underKeyLock(String, String, Function)} with a last step that is taken only once the
     * rows are written and the transaction is still within its deadline, just before the COMMIT:
     * moving a file into place or aside, so a transaction that misses its deadline (PostgreSQL
     * stopped answering) rolls back with the files untouched, and one whose COMMIT fails after the
     * step can undo it ({@link LastStep#notCommitted}).
     */
    public <T> Uni<T> underKeyLock(String bucket, String key, Function<SqlClient, Uni<T>> work,
                                   LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, tx -> tx.preparedQuery(KEY_LOCK)
                .execute(Tuple.of(bucket + "/" + key))
                .flatMap(locked -> work.apply(tx)), beforeCommit);
    }

    /**
     * In a transaction of its own holding the key's lock, runs {@code undo} unless the key's row
     * has {@code written}'s ETag: unless the change that wrote it committed after all (a COMMIT
     * whose answer was lost), or the key holds the same bytes anyway. Whether it ran.
     */
    public Uni<Boolean> unlessWritten(ObjectRow written, Supplier<Uni<?>> undo) {
        return underKeyLock(written.bucket(), written.key(), tx -> find(tx, written.bucket(), written.key())
                .chain(found -> found.filter(row -> row.etag().equals(written.etag())).isPresent()
                        ? Uni.createFrom().item(false) : undo.get().replaceWith(true)));
    }

    /**
     * Like {@link #underKeyLock} with the shared form of the lock: readers run together, and never
     * while a writer moves a file and writes its row, so the row they read matches the file they open.
     */
    public <T> Uni<T> underSharedKeyLock(String bucket, String key, Function<SqlClient, Uni<T>> work) {
        return deadlines.transaction(pool, tx -> tx.preparedQuery(SHARED_KEY_LOCK)
                .execute(Tuple.of(bucket + "/" + key))
                .flatMap(locked -> work.apply(tx)));
    }

    /**
     * The keys' locks that are free right now, taken without waiting: a key another change holds
     * is left out. Evaluated row by row, so a lock is taken only for a key that is returned.
     */
    private static final String TRY_KEY_LOCKS = "SELECT k FROM unnest($2::text[]) AS k WHERE pg_try_advisory_xact_lock(hashtextextended($1 || k, 0))";

    /**
     * Deletes, in one transaction, the rows of those of {@code keys} that no other change holds:
     * their locks are taken without waiting (so no two bulk deletes, nor a bulk delete and a
     * writer, wait on each other in a cycle), their rows deleted, then {@code beforeCommit} runs as
     * in {@link #underKeyLock(String, String, Function, LastStep)} before the COMMIT. The keys
     * left out are the caller's to delete one by one.
     */
    public Uni<FreeKeysDeleted> deleteFreeKeys(String bucket, List<String> keys, LastStep<FreeKeysDeleted> beforeCommit) {
        return deadlines.transaction(pool, tx -> tx.preparedQuery(TRY_KEY_LOCKS)
                .execute(Tuple.of(bucket + "/", keys.toArray(String[]::new)))
                .map(ObjectRepository::firstColumn)
                .flatMap(locked -> locked.isEmpty() ? Uni.createFrom().item(new FreeKeysDeleted(locked, List.of()))
                        : tx.preparedQuery("DELETE FROM storage.objects WHERE bucket = $1 AND key = ANY($2) RETURNING key")
                        .execute(Tuple.of(bucket, locked.toArray(String[]::new)))
                        .map(rows -> new FreeKeysDeleted(locked, firstColumn(rows)))), beforeCommit);
    }

    private static List<String> firstColumn(RowSet<Row> rows) {
        List<String> values = new ArrayList<>(rows.size());
        rows.forEach(r -> values.add(r.getString(0)));
        return values;
    }

    /** What {@link #deleteFreeKeys} did: the keys it held (deleted, or never there) and those of them that had a row. */
    public record FreeKeysDeleted(List<String> locked, List<String> rowsDeleted) {
    }

    /** Deletes the row; the deleted object, if there was one. */
    public Uni<Optional<ObjectRow>> delete(SqlClient client, String bucket, String key) {
        return client.preparedQuery("DELETE FROM storage.objects WHERE bucket = $1 AND key = $2 RETURNING " + COLUMNS)
                .execute(Tuple.of(bucket, key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(row(rows.iterator().next())));
    }

    /**
     * Up to {@code limit} objects whose key starts with {@code prefix} and sorts after
     * {@code from} (or at it when {@code inclusive}; null: from the start), in key order.
     */
    public Uni<List<ObjectRow>> list(String bucket, String prefix, String from, boolean inclusive, int limit) {
        String upper = upperBound(prefix);
        return deadlines.database(pool.preparedQuery("SELECT " + COLUMNS + " FROM storage.objects WHERE bucket = $1 AND key >= $2 AND starts_with(key, $2)"
                        + " AND key " + (inclusive ? ">=" : ">") + " $3"
                        + (upper == null ? "" : " AND key < $5") + " ORDER BY key LIMIT $4")
                .execute(upper == null ? Tuple.of(bucket, prefix, from == null ? "" : from, limit)
                        : Tuple.of(bucket, prefix, from == null ? "" : from, limit, upper)))
                .map(ObjectRepository::rows);
    }

    /**
     * The smallest string above every string starting with {@code prefix} (its last code point
     * plus one), so the index scan stops at the end of the prefix; null when there is none.
     */
    public static String upperBound(String prefix) {
        if (prefix.isEmpty()) {
            return null;
        }
        int last = prefix.codePointBefore(prefix.length());
        int next = last + 1;
        if (next == 0xD800) {
            next = 0xE000;
        }
        if (next > Character.MAX_CODE_POINT) {
            return null;
        }
        return prefix.substring(0, prefix.length() - Character.charCount(last)) + new String(Character.toChars(next));
    }

    static List<ObjectRow> rows(RowSet<Row> rows) {
        List<ObjectRow> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(row(r)));
        return out;
    }

    static ObjectRow row(Row r) {
        Object headers = r.getValue("headers");
        return new ObjectRow(r.getString("bucket"), r.getString("key"), r.getLong("size"), r.getString("etag"),
                r.getString("content_type"), r.getString("checksum_algorithm"), r.getString("checksum_value"),
                r.getString("checksum_type"), headers instanceof JsonObject j ? j : new JsonObject(),
                r.getInteger("parts_count"), r.getArrayOfLongs("part_sizes"), r.getOffsetDateTime("last_modified"),
                r.getString("upload_id"), r.getArrayOfStrings("part_checksums"));
    }
}
