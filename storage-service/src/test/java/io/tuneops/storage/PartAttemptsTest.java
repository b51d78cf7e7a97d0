package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each attempt at a part writes bytes no other attempt touches, and the part's row names where
 * (docs/storage.md, "One file per attempt"): an attempt never recorded leaves the recorded one's
 * bytes, and a completion finds the bytes of the rows it read though the parts are sent again.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class PartAttemptsTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    /** Holds a completion between its read of the parts and its close of the upload to claims. */
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
        run("""
                CREATE OR REPLACE FUNCTION storage.hold_close() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF current_query() LIKE '%%placement_closed = true%%' THEN
                        PERFORM pg_advisory_xact_lock(%d);
                    END IF;
                    RETURN NULL;
                END $$""".formatted(CLOSE_LOCK));
        run("CREATE TRIGGER hold_close BEFORE UPDATE ON storage.multipart_uploads FOR EACH STATEMENT EXECUTE FUNCTION storage.hold_close()");
        SqlConnection holder = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            // both parts in their places in the assembly file
            String e1 = upload(s3, key, id, 1, p1);
            String e2 = upload(s3, key, id, 2, p2);
            holder.query("SELECT pg_advisory_lock(" + CLOSE_LOCK + ")").execute().await().atMost(Duration.ofSeconds(10));
            CompletableFuture<String> completion = CompletableFuture.supplyAsync(() -> s3.completeMultipartUpload(b -> b
                    .bucket(S3TestSupport.BUCKET).key(key).uploadId(id).multipartUpload(m -> m.parts(
                            CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())))
                    .eTag());
            awaitCloseHeld(completion);

            // its place is taken: into a file of its own, and the part's row names that attempt now
            upload(s3, key, id, 2, again);
            holder.query("SELECT pg_advisory_unlock(" + CLOSE_LOCK + ")").execute().await().atMost(Duration.ofSeconds(10));

            assertEquals("\"" + MultipartTest.md5OfMd5s(e1, e2) + "-2\"", completion.get(60, TimeUnit.SECONDS));
            assertArrayEquals(join(p1, p2), s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray(),
                    "the object is made of the parts the completion read");
        } finally {
            holder.close().await().atMost(Duration.ofSeconds(10));
            run("DROP TRIGGER IF EXISTS hold_close ON storage.multipart_uploads");
            run("DROP FUNCTION IF EXISTS storage.hold_close()");
        }
    }

    /** Waits until the completion waits for the close's lock (or has failed). */
    private void awaitCloseHeld(CompletableFuture<String> completion) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!completion.isDone() && System.nanoTime() < deadline) {
            long waiting = pool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' "
                    + "AND query LIKE '%placement_closed = true%'").execute().await().atMost(Duration.ofSeconds(10))
                    .iterator().next().getLong(0);
            if (waiting > 0) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the completion never reached its close: " + (completion.isDone() ? completion.join() : "timed out"));
    }

    private static String upload(S3Client s3, String key, String id, int number, byte[] bytes) {
        return s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(number), RequestBody.fromBytes(bytes)).eTag();
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void run(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(10));
    }
}
