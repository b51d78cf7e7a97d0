package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A part whose recording PostgreSQL answered too late (503 to the client) is never recorded
 * afterwards: once the client has sent the part again and been answered, the late attempt's
 * statement, run when PostgreSQL answers, does not replace the acknowledged attempt's row.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class LatePartTest {

    private static final long HOLD_LOCK = 4_242_424_242L;

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Test
    void aPartAnsweredAsFailedDoesNotReplaceTheAttemptAcknowledgedAfterIt() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "late-part.bin";
        byte[] first = new byte[5 * 1024 * 1024];
        Arrays.fill(first, (byte) 1);
        byte[] late = "the attempt answered with 503".getBytes(StandardCharsets.UTF_8);
        byte[] again = "the attempt answered with 200".getBytes(StandardCharsets.UTF_8);
        SqlConnection holder = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        // without the SDK's retries: the client is answered 503 and sends the part again itself
        try (S3Client s3 = S3TestSupport.clientWithoutRetries(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            String e1 = PartsInPlaceTest.upload(s3, key, id, 1, first);
            // the late attempt's row waits (a row trigger on its ETag) for a lock the test holds, past the deadline
            holder.query("SELECT pg_advisory_lock(" + HOLD_LOCK + ")").execute().await().atMost(Duration.ofSeconds(10));
            run("""
                    CREATE OR REPLACE FUNCTION storage.hold_late_part() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF NEW.etag = '%s' THEN
                            PERFORM pg_advisory_xact_lock(%d);
                        END IF;
                        RETURN NEW;
                    END $$""".formatted(md5(late), HOLD_LOCK));
            run("CREATE TRIGGER hold_late_part BEFORE INSERT ON storage.multipart_parts FOR EACH ROW "
                    + "EXECUTE FUNCTION storage.hold_late_part()");

            S3Exception unavailable = assertThrows(S3Exception.class, () -> PartsInPlaceTest.upload(s3, key, id, 2, late));
            assertEquals(503, unavailable.statusCode(), unavailable.getMessage());
            String e2 = PartsInPlaceTest.upload(s3, key, id, 2, again);

            holder.query("SELECT pg_advisory_unlock_all()").execute().await().atMost(Duration.ofSeconds(10));
            awaitNoneRecording();

            List<Part> listed = s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)).parts();
            assertEquals(List.of(e1, e2), listed.stream().map(Part::eTag).toList(), "the acknowledged attempt is the part");
            s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
            assertArrayEquals(PartsInPlaceTest.join(first, again),
                    s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray());
        } finally {
            holder.query("SELECT pg_advisory_unlock_all()").execute().await().atMost(Duration.ofSeconds(10));
            holder.close().await().atMost(Duration.ofSeconds(10));
            run("DROP TRIGGER IF EXISTS hold_late_part ON storage.multipart_parts");
            run("DROP FUNCTION IF EXISTS storage.hold_late_part()");
        }
    }

    /** Waits until no session is recording a part or still inside the transaction that did. */
    private void awaitNoneRecording() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            long busy = pool.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                            + "AND query LIKE $1 AND state <> 'idle'")
                    .execute(Tuple.of("%INSERT INTO storage.multipart_parts%")).await().atMost(Duration.ofSeconds(10))
                    .iterator().next().getLong(0);
            if (busy == 0) {
                return;
            }
            // polled: PostgreSQL tells no one when a statement ends
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        throw new AssertionError("a part's recording never ended");
    }

    private void run(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(10));
    }

    private static String md5(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
    }
}
