package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each attempt at a part writes bytes no other attempt touches, and the part's row names where
 * (docs/storage.md, "One file per attempt"): an attempt never recorded leaves the recorded one's
 * bytes, and a completion finds the bytes of the rows it read though the parts are sent again.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@TestProfile(PartAttemptsTest.PatientDatabase.class)
class PartAttemptsTest {

    /** A completion held at its close by the test waits longer than the default 2 s database deadline allows. */
    public static class PatientDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.database.timeout", "60s");
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    /** The advisory lock a held completion waits for (see HeldClose). */
    static final long CLOSE_LOCK = 7_314_159L;

    /**
     * PostgreSQL refuses the later attempt's row at COMMIT; storage-service killed between the
     * file and the row leaves it unrecorded alike.
     */
    @Test
    void anAttemptNeverRecordedLeavesTheRecordedBytes() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "attempts.bin";
        // below the minimum part size, so no place is claimed and each attempt writes a file of its own
        byte[] recorded = SdkObjectsTest.random(1000);
        byte[] unrecorded = SdkObjectsTest.random(3000);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            String etag = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(1),
                    RequestBody.fromBytes(recorded)).eTag();

            RefusedAtCommit refusal = RefusedAtCommit.partsWithEtag(pool, SdkObjectsTest.md5(unrecorded));
            refusal.install();
            try {
                S3Exception refused = assertThrows(S3Exception.class, () -> s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET)
                        .key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(unrecorded)));
                assertEquals(500, refused.statusCode(), refused.toString());
            } finally {
                refusal.remove();
            }

            List<Part> parts = s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)).parts();
            assertEquals(List.of(etag), parts.stream().map(Part::eTag).toList());
            s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)
                    .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
            assertArrayEquals(recorded, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray(),
                    "the object is the recorded attempt's bytes");
        }
    }

    @Test
    void aCompletionJoinsThePartsItReadThoughOneIsSentAgainMeanwhile() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "sent-again-while-completing.bin";
        byte[] p1 = SdkObjectsTest.random(5 << 20);
        byte[] p2 = SdkObjectsTest.random(1000);
        byte[] again = SdkObjectsTest.random(2000);
        try (S3Client s3 = S3TestSupport.client(c); HeldClose held = new HeldClose("BEFORE")) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            // both parts in their places in the assembly file
            String e1 = PartsInPlaceTest.upload(s3, key, id, 1, p1);
            String e2 = PartsInPlaceTest.upload(s3, key, id, 2, p2);
            CompletableFuture<String> completion = held.complete(s3, key, id, e1, e2);

            // its place is taken: into a file of its own, and the part's row names that attempt now
            PartsInPlaceTest.upload(s3, key, id, 2, again);
            held.release();

            assertEquals("\"" + MultipartTest.md5OfMd5s(e1, e2) + "-2\"", completion.get(60, TimeUnit.SECONDS));
            assertArrayEquals(PartsInPlaceTest.join(p1, p2), s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray(),
                    "the object is made of the parts the completion read");
        }
    }

    /**
     * The upload ends (another completion, an abort, the reaper: its folder, then its row) once a
     * completion has closed it; whether the completion then finds the row or not, it answers
     * NoSuchUpload, as when the upload was gone before it began.
     */
    @Test
    void aCompletionWhoseUploadEndsAfterItsCloseAnswersNoSuchUpload() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "ended-while-completing.bin";
        // without the SDK's retries: a retry would begin after the upload ended, and answer NoSuchUpload whatever this one did
        try (S3Client s3 = S3TestSupport.clientWithoutRetries(c); HeldClose held = new HeldClose("AFTER")) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            String e1 = PartsInPlaceTest.upload(s3, key, id, 1, SdkObjectsTest.random(5 << 20));
            String e2 = PartsInPlaceTest.upload(s3, key, id, 2, SdkObjectsTest.random(1000));
            CompletableFuture<String> completion = held.complete(s3, key, id, e1, e2);

            PreparedBeforeStart.remove(PartsInPlaceTest.UPLOADS.resolve(id));
            // waits for the held close's transaction, and goes on as soon as it commits
            CompletableFuture<Integer> ended = pool.preparedQuery("DELETE FROM storage.multipart_uploads WHERE upload_id = $1")
                    .execute(Tuple.of(id)).map(RowSet::rowCount).subscribeAsCompletionStage();
            awaitWaiting("DELETE FROM storage.multipart_uploads%", ended);
            held.release();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> completion.get(60, TimeUnit.SECONDS));
            S3Exception answer = assertInstanceOf(S3Exception.class, failed.getCause(), failed.toString());
            assertEquals("NoSuchUpload", answer.awsErrorDetails().errorCode(), answer.toString());
            assertEquals(1, ended.get(60, TimeUnit.SECONDS));
        }
    }

    /**
     * Holds the next completion at its close of the upload to claims (a statement trigger waiting
     * for an advisory lock the test holds), {@code BEFORE} the close or {@code AFTER} it (its
     * transaction still open).
     */
    private final class HeldClose implements AutoCloseable {

        private final SqlConnection holder;

        HeldClose(String when) {
            holder = pool.getConnection().await().atMost(Duration.ofSeconds(10));
            run("DROP TRIGGER IF EXISTS hold_close ON storage.multipart_uploads");
            run("""
                    CREATE OR REPLACE FUNCTION storage.hold_close() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF current_query() LIKE '%%placement_closed = true%%' THEN
                            PERFORM pg_advisory_xact_lock(%d);
                        END IF;
                        RETURN NULL;
                    END $$""".formatted(CLOSE_LOCK));
            run("CREATE TRIGGER hold_close " + when + " UPDATE ON storage.multipart_uploads FOR EACH STATEMENT "
                    + "EXECUTE FUNCTION storage.hold_close()");
            holder.query("SELECT pg_advisory_lock(" + CLOSE_LOCK + ")").execute().await().atMost(Duration.ofSeconds(10));
        }

        /** Starts completing the upload with parts 1 and 2, and returns once the completion is held at its close. */
        CompletableFuture<String> complete(S3Client s3, String key, String id, String e1, String e2) {
            CompletableFuture<String> completion = CompletableFuture.supplyAsync(() -> s3.completeMultipartUpload(b -> b
                    .bucket(S3TestSupport.BUCKET).key(key).uploadId(id).multipartUpload(m -> m.parts(
                            CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())))
                    .eTag());
            awaitWaiting("%placement_closed = true%", completion);
            return completion;
        }

        void release() {
            holder.query("SELECT pg_advisory_unlock_all()").execute().await().atMost(Duration.ofSeconds(10));
        }

        @Override
        public void close() {
            // a close still held goes on (or fails) before the trigger can be dropped
            release();
            holder.close().await().atMost(Duration.ofSeconds(10));
            run("DROP TRIGGER IF EXISTS hold_close ON storage.multipart_uploads");
            run("DROP FUNCTION IF EXISTS storage.hold_close()");
        }
    }

    /** Waits until a statement like {@code query} waits for a lock (or {@code request} has ended). */
    private void awaitWaiting(String query, CompletableFuture<?> request) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!request.isDone() && System.nanoTime() < deadline) {
            long waiting = pool.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1")
                    .execute(Tuple.of(query)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
            if (waiting > 0) {
                return;
            }
            // polled: PostgreSQL tells no one when a backend starts to wait
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        throw new AssertionError(query + " never waited: " + (request.isDone() ? request.join() : "timed out"));
    }

    private void run(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(10));
    }
}
