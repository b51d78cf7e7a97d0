package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeleteObjects deletes its keys side by side, each in a change of its own: a key another change
 * holds (an upload of it committing, say) does not hold up the others, so a bulk delete of a job's
 * outputs is not a chain of one transaction after another.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class DeleteObjectsTest {

    /** Below the database deadline (2 s), which the held key's delete waits for at most. */
    static final Duration OTHERS_DELETED_WITHIN = Duration.ofMillis(1500);

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Test
    void aKeyHeldByAnotherChangeDoesNotHoldUpTheOtherKeysOfTheRequest() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        List<String> keys = IntStream.range(0, 10).mapToObj(i -> c.prefix() + "samples/" + i + ".png").toList();
        try (S3Client s3 = S3TestSupport.client(c)) {
            for (String key : keys) {
                s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromString(key));
            }
            String held = keys.get(0);
            List<String> others = keys.subList(1, keys.size());
            SqlConnection holder = pool.getConnection().await().atMost(Duration.ofSeconds(10));
            CompletableFuture<DeleteObjectsResponse> answer;
            boolean othersGoneWhileHeld;
            try {
                Transaction tx = holder.begin().await().atMost(Duration.ofSeconds(10));
                // the lock every change of a key takes (ObjectRepository): as if an upload of the first key were committing
                holder.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                        .execute(Tuple.of(S3TestSupport.BUCKET + "/" + held)).await().atMost(Duration.ofSeconds(10));
                // the held key first: one key after the other, nothing would be deleted until it is released
                answer = CompletableFuture.supplyAsync(() -> s3.deleteObjects(b -> b.bucket(S3TestSupport.BUCKET).delete(d -> d.objects(
                        keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList()))));
                othersGoneWhileHeld = rowsGoneWithin(others, OTHERS_DELETED_WITHIN);
                tx.rollback().await().atMost(Duration.ofSeconds(10));
            } finally {
                holder.close().await().atMost(Duration.ofSeconds(10));
            }
            assertTrue(othersGoneWhileHeld, "the other keys were deleted while the first one was held");

            DeleteObjectsResponse deleted = answer.get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), deleted.errors());
            // every key is reported, in the order the request listed them
            assertEquals(keys, deleted.deleted().stream().map(DeletedObject::key).toList());
            assertEquals(0, s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())).contents().size());
        }
        for (String key : keys) {
            assertFalse(Files.exists(S3TestSupport.onDisk(key)), key);
        }
    }

    /** Polls storage.objects until none of {@code keys} has a row, or {@code within} has passed. */
    private boolean rowsGoneWithin(List<String> keys, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            long left = pool.preparedQuery("SELECT count(*) FROM storage.objects WHERE bucket = $1 AND key = ANY($2)")
                    .execute(Tuple.of(S3TestSupport.BUCKET, keys.toArray(String[]::new)))
                    .map(rows -> rows.iterator().next().getLong(0)).await().atMost(Duration.ofSeconds(10));
            if (left == 0) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling the table until the deadline
        }
        return false;
    }
}
