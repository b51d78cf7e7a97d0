package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A new version whose COMMIT fails after its file was moved into place leaves the key as it was:
 * the old version's row and bytes, or no object and no file. Here a deferred constraint trigger
 * refuses the COMMIT, as a serialization failure or a connection lost at that moment would.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class FailedOverwriteTest {

    static final String REFUSED = RefusedAtCommit.MARK;

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    void refuseWritesAtCommit() {
        RefusedAtCommit.writes(pool).install();
    }

    @AfterEach
    void acceptWrites() {
        RefusedAtCommit.writes(pool).remove();
    }

    @Test
    void anOverwriteWhoseCommitFailsLeavesTheOldVersion() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + REFUSED + "model.safetensors";
        byte[] first = bytes(3 << 20, 1);
        byte[] second = bytes(1 << 20, 2);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String firstEtag = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(first)).eTag();

            refuseWritesAtCommit();
            S3Exception refused = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(second)));
            assertEquals(500, refused.statusCode(), refused.toString());
            assertObject(s3, key, first, firstEtag);
            S3SecurityTest.assertNoTemporaryFilesLeft();

            acceptWrites();
            String secondEtag = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(second)).eTag();
            assertObject(s3, key, second, secondEtag);
            S3SecurityTest.assertNoTemporaryFilesLeft();
        }
    }

    @Test
    void anIdenticalOverwriteWhoseCommitFailsLeavesNothingAside() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + REFUSED + "config.json";
        byte[] same = bytes(64 << 10, 7);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String etag = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(same)).eTag();

            refuseWritesAtCommit();
            // the key's row has this version's ETag, as if the COMMIT had gone through: nothing to undo
            S3Exception refused = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(same)));
            assertEquals(500, refused.statusCode(), refused.toString());
            assertObject(s3, key, same, etag);
            S3SecurityTest.assertNoTemporaryFilesLeft();
        }
    }

    @Test
    void aFirstVersionWhoseCommitFailsLeavesNoFile() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + REFUSED + "samples/0001.png";
        try (S3Client s3 = S3TestSupport.client(c)) {
            refuseWritesAtCommit();
            S3Exception refused = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(bytes(4096, 3))));
            assertEquals(500, refused.statusCode(), refused.toString());
            assertThrows(NoSuchKeyException.class, () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)));
            assertFalse(Files.exists(S3TestSupport.onDisk(key)), key);
            S3SecurityTest.assertNoTemporaryFilesLeft();
        }
    }

    @Test
    void aMultipartCompletionWhoseCommitFailsLeavesTheOldVersionAndCanBeRetried() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + REFUSED + "checkpoint-2000.bin";
        byte[] first = bytes(2 << 20, 4);
        List<byte[]> pieces = List.of(bytes(5 << 20, 5), bytes(1 << 10, 6));
        try (S3Client s3 = S3TestSupport.client(c)) {
            String firstEtag = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(first)).eTag();
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (int n = 1; n <= pieces.size(); n++) {
                int number = n;
                String etag = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(number),
                        RequestBody.fromBytes(pieces.get(number - 1))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }

            refuseWritesAtCommit();
            S3Exception refused = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET)
                    .key(key).uploadId(id).multipartUpload(m -> m.parts(parts))));
            assertEquals(500, refused.statusCode(), refused.toString());
            assertObject(s3, key, first, firstEtag);
            S3SecurityTest.assertNoTemporaryFilesLeft();

            acceptWrites();
            String etag = s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)
                    .multipartUpload(m -> m.parts(parts))).eTag();
            byte[] whole = Arrays.copyOf(pieces.get(0), pieces.get(0).length + pieces.get(1).length);
            System.arraycopy(pieces.get(1), 0, whole, pieces.get(0).length, pieces.get(1).length);
            assertObject(s3, key, whole, etag);
        }
    }

    private static void assertObject(S3Client s3, String key, byte[] expected, String etag) {
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key));
        assertEquals(etag, got.response().eTag());
        assertEquals(expected.length, got.response().contentLength());
        assertArrayEquals(expected, got.asByteArray());
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
