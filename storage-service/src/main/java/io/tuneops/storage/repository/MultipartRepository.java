package io.tuneops.storage.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** storage.multipart_uploads and storage.multipart_parts: uploads in progress and their parts. */
@ApplicationScoped
public class MultipartRepository {

    public record Upload(String uploadId, String bucket, String key, String jobId, String contentType, String checksumAlgorithm,
                         String checksumType, JsonObject headers, OffsetDateTime initiated) {
    }

    /** A recorded part, and where the attempt it records wrote its bytes. */
    public record Part(String uploadId, int partNumber, long size, String etag, String checksumValue,
                       OffsetDateTime lastModified, PartLocation location) {
    }

    private static final String UPLOAD_COLUMNS = "upload_id, bucket, key, job_id, content_type, checksum_algorithm, checksum_type, "
            + "headers, initiated";
    private static final String PART_COLUMNS = "upload_id, part_number, size, etag, checksum_value, last_modified, placed_claim, file_id";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public MultipartRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Uni<Void> create(Upload u) {
        return deadlines.database(pool.preparedQuery("INSERT INTO storage.multipart_uploads (" + UPLOAD_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())")
                .execute(Tuple.from(new Object[]{u.uploadId(), u.bucket(), u.key(), u.jobId(), u.contentType(), u.checksumAlgorithm(),
                        u.checksumType(), u.headers() == null ? new JsonObject() : u.headers()})))
                .replaceWithVoid();
    }

    public Uni<Optional<Upload>> find(String uploadId) {
        return deadlines.database(pool.preparedQuery("SELECT " + UPLOAD_COLUMNS + " FROM storage.multipart_uploads WHERE upload_id = $1")
                .execute(Tuple.of(uploadId)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(upload(rows.iterator().next())));
    }

    /** Records a part; false when the upload is gone (aborted or completed meanwhile). */
    public Uni<Boolean> putPart(Part p) {
        // the upload's row is locked first (as a completion's DELETE locks it before the cascade
        // reaches parts and claims), so that recording a part and ending its upload never wait
        // for each other in a cycle. In a transaction, committed only within its deadline: a lone
        // statement answered as failed (503) could still run when PostgreSQL answers again and
        // replace the row of the part's next attempt, already acknowledged, with this one's.
        return deadlines.transaction(pool, tx -> tx.preparedQuery("WITH up AS (SELECT 1 FROM storage.multipart_uploads WHERE upload_id = $1 FOR KEY SHARE) "
                        + "INSERT INTO storage.multipart_parts (" + PART_COLUMNS + ") "
                        + "SELECT $1, $2, $3, $4, $5, now(), $6::uuid, $7::uuid WHERE EXISTS (SELECT 1 FROM up) "
                        + "ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag, "
                        + "checksum_value = excluded.checksum_value, last_modified = excluded.last_modified, "
                        + "placed_claim = excluded.placed_claim, file_id = excluded.file_id")
                .execute(Tuple.from(new Object[]{p.uploadId(), p.partNumber(), p.size(), p.etag(), p.checksumValue(), p.location().placedClaim(), p.location().fileId()}))
                .map(rows -> rows.rowCount() > 0));
    }

    /**
     * Claims part {@code partNumber}'s place in the upload's assembly file for a body of
     * {@code length} bytes: its offset, or empty when the part goes into a file of its own. The
     * first part of at least {@code minPartSize} bytes sets the upload's part size; a part claims
     * its place once (a part sent again goes into its own file), only when it is not longer than
     * that size, its place ends within {@code maxEnd}, and no completion has closed the upload.
     */
    public Uni<Optional<Long>> claim(String uploadId, int partNumber, long length, long minPartSize, long maxEnd, UUID claim) {
        return deadlines.database(pool.preparedQuery("WITH up AS (UPDATE storage.multipart_uploads "
                        + "SET placement_size = coalesce(placement_size, $3::bigint) WHERE upload_id = $1 AND NOT placement_closed "
                        + "RETURNING placement_size) "
                        + "INSERT INTO storage.multipart_placements (upload_id, part_number, claim, placed_at) "
                        + "SELECT $1, $2, $4, ($2 - 1) * up.placement_size FROM up "
                        + "WHERE $5 <= up.placement_size AND $2 * up.placement_size <= $6 "
                        + "ON CONFLICT (upload_id, part_number) DO NOTHING RETURNING placed_at")
                .execute(Tuple.from(new Object[]{uploadId, partNumber, length >= minPartSize ? length : null, claim, length, maxEnd})))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("placed_at")));
    }

    /** Gives up a claim whose part was not recorded (its body failed), once nothing writes under it any more. */
    public Uni<Void> release(String uploadId, int partNumber, UUID claim) {
        return deadlines.database(pool.preparedQuery("DELETE FROM storage.multipart_placements WHERE upload_id = $1 AND part_number = $2 AND claim = $3")
                .execute(Tuple.of(uploadId, partNumber, claim))).replaceWithVoid();
    }

    /**
     * Closes the upload to new claims (a completion is about to join its parts) and returns the
     * claims on its assembly file: read after the close, so that every claim that will ever write
     * is in it. Empty when the upload is gone (a concurrent completion, an abort or the reaper
     * ended it).
     */
    public Uni<Optional<PartPlacement>> closePlacement(String uploadId) {
        return deadlines.database(pool.preparedQuery("UPDATE storage.multipart_uploads SET placement_closed = true WHERE upload_id = $1 "
                        + "RETURNING placement_size").execute(Tuple.of(uploadId)))
                .flatMap(closed -> {
                    if (closed.size() == 0) {
                        return Uni.createFrom().item(Optional.<PartPlacement>empty());
                    }
                    Long size = closed.iterator().next().getLong("placement_size");
                    // joined with the upload's row: an upload ended since the close has no claims left to read
                    return deadlines.database(pool.preparedQuery("SELECT c.part_number, c.claim FROM storage.multipart_uploads u "
                                    + "LEFT JOIN storage.multipart_placements c USING (upload_id) WHERE u.upload_id = $1")
                                    .execute(Tuple.of(uploadId)))
                            .map(rows -> {
                                if (rows.size() == 0) {
                                    return Optional.<PartPlacement>empty();
                                }
                                Map<Integer, UUID> claims = new HashMap<>();
                                rows.forEach(r -> {
                                    if (r.getUUID("claim") != null) {
                                        claims.put(r.getInteger("part_number"), r.getUUID("claim"));
                                    }
                                });
                                return Optional.of(new PartPlacement(size, claims));
                            });
                });
    }

    public Uni<List<Part>> parts(String uploadId, int afterPart, int limit) {
        return deadlines.database(pool.preparedQuery("SELECT " + PART_COLUMNS + " FROM storage.multipart_parts WHERE upload_id = $1 AND part_number > $2 "
                        + "ORDER BY part_number LIMIT $3")
                .execute(Tuple.of(uploadId, afterPart, limit)))
                .map(rows -> {
                    List<Part> out = new ArrayList<>();
                    rows.forEach(r -> out.add(part(r)));
                    return out;
                });
    }

    /** Ends the upload inside the caller's transaction (see ObjectRepository#underKeyLock); false if it was gone. */
    public Uni<Boolean> finish(SqlClient tx, String uploadId) {
        return tx.preparedQuery("DELETE FROM storage.multipart_uploads WHERE upload_id = $1")
                .execute(Tuple.of(uploadId)).map(rows -> rows.rowCount() > 0);
    }

    /** Removes the upload and its parts; false when there was none. */
    public Uni<Boolean> abort(String uploadId) {
        return deadlines.database(pool.preparedQuery("DELETE FROM storage.multipart_uploads WHERE upload_id = $1")
                .execute(Tuple.of(uploadId))).map(rows -> rows.rowCount() > 0);
    }

    /** Uploads whose key starts with {@code prefix}, after the (key, upload id) marker, in that order. */
    public Uni<List<Upload>> list(String bucket, String prefix, String keyMarker, String uploadIdMarker, int limit) {
        String km = keyMarker == null ? "" : keyMarker;
        String um = uploadIdMarker == null ? "" : uploadIdMarker;
        return deadlines.database(pool.preparedQuery("SELECT " + UPLOAD_COLUMNS + " FROM storage.multipart_uploads WHERE bucket = $1 "
                        + "AND starts_with(key, $2) AND (key > $3 OR (key = $3 AND upload_id > $4)) ORDER BY key, upload_id LIMIT $5")
                .execute(Tuple.of(bucket, prefix, km, um, limit)))
                .map(rows -> {
                    List<Upload> out = new ArrayList<>();
                    rows.forEach(r -> out.add(upload(r)));
                    return out;
                });
    }

    /** Removes uploads initiated before {@code before}; their ids, so their part files can go too. */
    public Uni<List<String>> reap(OffsetDateTime before, int limit) {
        return deadlines.database(pool.preparedQuery("DELETE FROM storage.multipart_uploads WHERE upload_id IN "
                        + "(SELECT upload_id FROM storage.multipart_uploads WHERE initiated < $1 ORDER BY initiated LIMIT $2) RETURNING upload_id")
                .execute(Tuple.of(before, limit)))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString("upload_id")));
                    return out;
                });
    }

    private static Upload upload(Row r) {
        Object headers = r.getValue("headers");
        return new Upload(r.getString("upload_id"), r.getString("bucket"), r.getString("key"), r.getString("job_id"),
                r.getString("content_type"), r.getString("checksum_algorithm"), r.getString("checksum_type"),
                headers instanceof JsonObject j ? j : new JsonObject(), r.getOffsetDateTime("initiated"));
    }

    private static Part part(Row r) {
        return new Part(r.getString("upload_id"), r.getInteger("part_number"), r.getLong("size"), r.getString("etag"),
                r.getString("checksum_value"), r.getOffsetDateTime("last_modified"),
                PartLocation.of(r.getUUID("placed_claim"), r.getUUID("file_id")));
    }
}
