package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A volume that stops writing while a small PUT waits for its file. A small body is written on a
 * worker thread while its row goes to PostgreSQL; here every worker thread is held, so the write
 * cannot run, which is what a stalled disk looks like to the request. The change must give up at
 * the database deadline with 503 SlowDown (which S3 clients retry), roll its row back and leave the
 * object it would have replaced as it was; the file it could not write is deleted once the write
 * ends, and the answer does not wait for that.
 */
@QuarkusTest
@TestProfile(SlowVolumeTest.FewWorkers.class)
@WithTestResource(EmbeddedServersTestResource.class)
class SlowVolumeTest {

    static final int WORKERS = 4;
    static final Duration DATABASE_DEADLINE = Duration.ofSeconds(1);

    public static class FewWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.core-threads", Integer.toString(WORKERS),
                    "quarkus.thread-pool.max-threads", Integer.toString(WORKERS),
                    "tuneops.database.timeout", DATABASE_DEADLINE.toMillis() + "ms");
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Vertx vertx;

    @Test
    void aSmallPutWhoseFileCannotBeWrittenInTimeIsSlowDownAndLeavesTheKeyAsItWas() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "logs/step-100.txt";
        byte[] before = SdkObjectsTest.random(4096);
        byte[] after = SdkObjectsTest.random(4097);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String etag = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(before)).eTag();

            CountDownLatch held = new CountDownLatch(WORKERS);
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < WORKERS; i++) {
                vertx.executeBlocking(() -> {
                    held.countDown();
                    return release.await(60, TimeUnit.SECONDS);
                }, false);
            }
            HttpResponse<byte[]> refused;
            long took;
            try {
                assertTrue(held.await(10, TimeUnit.SECONDS), "every worker thread is held");
                RawS3.Signed put = RawS3.sign(c, "PUT", "/" + S3TestSupport.BUCKET + "/" + key, Map.of(), after, RawS3.Mode.SHA256);
                long start = System.nanoTime();
                refused = RawS3.send(put);
                took = System.nanoTime() - start;
            } finally {
                release.countDown();
            }
            assertEquals(503, refused.statusCode(), RawS3.body(refused));
            assertTrue(RawS3.body(refused).contains("<Code>SlowDown</Code>"), RawS3.body(refused));
            // answered at the deadline, not when the write ended (the workers were held until now)
            assertTrue(took < DATABASE_DEADLINE.multipliedBy(5).toNanos(), "answered after " + took / 1_000_000 + " ms");

            awaitNoTemporaryFiles();
            assertEquals(etag, s3.headObject(b -> b.bucket(S3TestSupport.BUCKET).key(key)).eTag());
            assertArrayEquals(before, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray());
            assertArrayEquals(before, Files.readAllBytes(S3TestSupport.onDisk(key)));
            assertEquals(1, s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())).contents().size());

            // the volume writes again: the same PUT goes through
            String written = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(after)).eTag();
            assertArrayEquals(after, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray());
            assertNotEquals(etag, written);
        }
        S3SecurityTest.assertNoTemporaryFilesLeft();
    }

    /** The refused upload's file is written once the workers are free, then deleted: polled until it is gone. */
    private static void awaitNoTemporaryFiles() throws Exception {
        Path tmp = S3SecurityTest.OUTPUT.resolve(".tuneops-tmp");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(tmp)) {
                if (files.findAny().isEmpty()) {
                    return;
                }
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling the directory until the deadline
        }
    }
}
