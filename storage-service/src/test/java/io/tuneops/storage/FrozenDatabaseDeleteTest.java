package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.testing.FreezableStores;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeleteObjects while PostgreSQL stops answering with its connections open: the request answers
 * within a bounded time (not once per key, each waiting for the deadline), every key is reported
 * as an error the client retries, and nothing is deleted; once PostgreSQL answers again the same
 * request deletes every key.
 */
@QuarkusTest
@WithTestResource(value = FreezableStores.class, scope = TestResourceScope.RESTRICTED_TO_CLASS,
        initArgs = @ResourceArg(name = "tuneops.database.timeout", value = "500ms"))
class FrozenDatabaseDeleteTest {

    /** As configured above. */
    static final Duration DEADLINE = Duration.ofMillis(500);
    /** Three batches of a DeleteObjects request. */
    static final int KEYS = 250;

    @Inject
    RedisDataSource redis;

    @Test
    void aBulkDeleteDuringAPostgresFreezeAnswersInBoundedTimeAndDeletesNothing() {
        Credential c = S3TestSupport.issue(redis);
        List<String> keys = IntStream.range(0, KEYS).mapToObj(i -> c.prefix() + "samples/" + i + ".png").toList();
        List<ObjectIdentifier> listed = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        try (S3Client s3 = S3TestSupport.client(c)) {
            for (String key : keys) {
                s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromString(key));
            }
            DeleteObjectsResponse frozen;
            long millis;
            FreezableStores.postgres().pause();
            try {
                long start = System.nanoTime();
                frozen = s3.deleteObjects(b -> b.bucket(S3TestSupport.BUCKET).delete(d -> d.objects(listed)));
                millis = (System.nanoTime() - start) / 1_000_000;
            } finally {
                FreezableStores.postgres().resume();
            }
            // one batch waits for the deadline; one key after the other would wait 250 times
            assertTrue(millis < DEADLINE.toMillis() * 4 + 1000, "answered after " + millis + " ms");
            assertEquals(0, frozen.deleted().size());
            assertEquals(keys, frozen.errors().stream().map(S3Error::key).toList());
            assertTrue(frozen.errors().stream().allMatch(e -> "InternalError".equals(e.code())), frozen.errors().get(0).toString());

            // nothing was deleted (the SDK retries a 503 of a connection the freeze left broken)
            assertEquals(KEYS, s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())).keyCount());

            DeleteObjectsResponse after = deleteOnceTheDatabaseAnswers(s3, listed);
            assertEquals(List.of(), after.errors());
            assertEquals(KEYS, after.deleted().size());
            assertEquals(0, s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())).contents().size());
        }
    }

    /** The pool's connections that timed out are replaced on use: retried, as a client retries its errors. */
    private static DeleteObjectsResponse deleteOnceTheDatabaseAnswers(S3Client s3, List<ObjectIdentifier> listed) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        DeleteObjectsResponse answer;
        do {
            answer = s3.deleteObjects(b -> b.bucket(S3TestSupport.BUCKET).delete(d -> d.objects(listed)));
        } while (!answer.errors().isEmpty() && System.nanoTime() < deadline);
        return answer;
    }
}
