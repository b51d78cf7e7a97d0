package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A delete whose COMMIT fails after the objects' files were moved aside leaves the objects as they
 * were, rows and bytes: here a deferred constraint trigger refuses the COMMIT, as a serialization
 * failure or a connection lost at that moment would. A delete that commits removes the files,
 * those it moved aside included.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class FailedDeleteTest {

    static final String REFUSED = RefusedAtCommit.MARK;
    /** Two batches of a DeleteObjects request (100 keys each). */
    static final int KEYS = 150;

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    RefusedAtCommit refusal;

    @BeforeEach
    void refuseDeletesAtCommit() {
        refusal = RefusedAtCommit.deletes(pool);
        refusal.install();
    }

    @AfterEach
    void acceptDeletes() {
        refusal.remove();
    }

    @Test
    void aDeleteWhoseCommitFailsLeavesTheObjectReadable() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + REFUSED + "model.safetensors";
        byte[] bytes = new byte[3 << 20];
        new Random(7).nextBytes(bytes);
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(bytes));

            S3Exception refused = assertThrows(S3Exception.class, () -> s3.deleteObject(b -> b.bucket(S3TestSupport.BUCKET).key(key)));
            assertEquals(500, refused.statusCode(), refused.toString());
            assertArrayEquals(bytes, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray());
            S3SecurityTest.assertNoTemporaryFilesLeft();

            acceptDeletes();
            s3.deleteObject(b -> b.bucket(S3TestSupport.BUCKET).key(key));
            assertThrows(NoSuchKeyException.class, () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)));
            assertFalse(Files.exists(S3TestSupport.onDisk(key)), key);
            S3SecurityTest.assertNoTemporaryFilesLeft();
        }
    }

    @Test
    void aBulkDeleteWhoseCommitFailsLeavesEveryObjectOfItsBatchesReadable() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        // the refused key is in the first batch; the second is not tried once the first failed
        List<String> keys = IntStream.range(0, KEYS)
                .mapToObj(i -> c.prefix() + (i == 40 ? REFUSED : "samples/") + i + ".png").toList();
        List<ObjectIdentifier> listed = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        try (S3Client s3 = S3TestSupport.client(c)) {
            for (String key : keys) {
                s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromString(key));
            }

            DeleteObjectsResponse refused = s3.deleteObjects(b -> b.bucket(S3TestSupport.BUCKET).delete(d -> d.objects(listed)));
            assertEquals(List.of(), refused.deleted());
            assertEquals(keys, refused.errors().stream().map(S3Error::key).toList());
            for (String key : keys) {
                String content = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asString(StandardCharsets.UTF_8);
                assertEquals(key, content);
            }
            S3SecurityTest.assertNoTemporaryFilesLeft();

            acceptDeletes();
            DeleteObjectsResponse deleted = s3.deleteObjects(b -> b.bucket(S3TestSupport.BUCKET).delete(d -> d.objects(listed)));
            assertEquals(List.of(), deleted.errors());
            assertEquals(keys, deleted.deleted().stream().map(DeletedObject::key).toList());
            for (String key : keys) {
                assertFalse(Files.exists(S3TestSupport.onDisk(key)), key);
            }
            S3SecurityTest.assertNoTemporaryFilesLeft();
        }
    }
}
