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
import java.util.List;
import java.util.Optional;

/** storage.multipart_uploads and storage.multipart_parts: uploads in progress and their parts. */
@ApplicationScoped
public class MultipartRepository {

    public record Upload(String uploadId, String bucket, String key, String jobId, String contentType, String checksumAlgorithm,
                         String checksumType, JsonObject headers, OffsetDateTime initiated) {
    }

    public record Part(String uploadId, int partNumber, long size, String etag, String checksumValue,
                       OffsetDateTime lastModified) {
    }

    private static final String UPLOAD_COLUMNS = "upload_id, bucket, key, job_id, content_type, checksum_algorithm, checksum_type, "
            + "headers, initiated";
    private static final String PART_COLUMNS = "upload_id, part_number, size, etag, checksum_value, last_modified";

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
        return deadlines.database(pool.preparedQuery("INSERT INTO storage.multipart_parts (" + PART_COLUMNS + ") "
                        + "SELECT $1, $2, $3, $4, $5, now() WHERE EXISTS (SELECT 1 FROM storage.multipart_uploads WHERE upload_id = $1) "
                        + "ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag, "
                        + "checksum_value = excluded.checksum_value, last_modified = excluded.last_modified")
                .execute(Tuple.of(p.uploadId(), p.partNumber(), p.size(), p.etag(), p.checksumValue())))
                .map(rows -> rows.rowCount() > 0);
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
                r.getString("checksum_value"), r.getOffsetDateTime("last_modified"));
    }
}
