package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.storage.service.MultipartReaper;
import io.tuneops.support.SharedNames;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multipart uploads: the SDK's own multipart client above 8 MB, and every multipart operation by hand. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class MultipartTest {

    static final Path OUTPUT = Path.of("target/test-outputs");
    static final int MB = 1024 * 1024;

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Inject
    MultipartReaper reaper;

    @Test
    void theSdkMultipartClientUploadsAFileAbove8MegabytesInParts() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        Path file = Files.createTempFile("multipart", ".bin");
        byte[] body = SdkObjectsTest.random(21 * MB);
        Files.write(file, body);
        String key = c.prefix() + "checkpoint-500/model.safetensors";
        try (S3AsyncClient s3 = S3TestSupport.asyncClient(c, true)) {
            var put = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), AsyncRequestBody.fromFile(file)).join();
            assertTrue(put.eTag().matches("\"[0-9a-f]{32}-3\""), put.eTag());
            var head = s3.headObject(b -> b.bucket(S3TestSupport.BUCKET).key(key).checksumMode(ChecksumMode.ENABLED)).join();
            assertEquals(body.length, head.contentLength());
        } finally {
            Files.delete(file);
        }
        assertEquals(sha256(body), sha256(Files.readAllBytes(S3TestSupport.onDisk(key))));
        try (S3Client s3 = S3TestSupport.client(c)) {
            assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray());
            byte[] second = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key).partNumber(2)).asByteArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(body, 8 * MB, 16 * MB), second);
        }
        Map<String, String> progress = redis.hash(String.class).hgetall(SharedNames.UPLOAD_PROGRESS_PREFIX + c.jobId());
        assertEquals("1", progress.get("objects"));
        assertEquals(Integer.toString(body.length), progress.get("bytes"));
        try (S3Client s3 = S3TestSupport.client(c)) {
            assertEquals(List.of(), s3.listMultipartUploads(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())).uploads());
        }
    }

    @Test
    void everyMultipartOperationByHand() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "manual/object.bin";
        byte[] p1 = SdkObjectsTest.random(5 * MB);
        byte[] p2 = SdkObjectsTest.random(5 * MB + 1);
        byte[] p3 = SdkObjectsTest.random(1000);
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "source.bin"), RequestBody.fromBytes(p2));
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            String e1 = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(1),
                    RequestBody.fromBytes(p1)).eTag();
            String e2 = s3.uploadPartCopy(b -> b.sourceBucket(S3TestSupport.BUCKET).sourceKey(c.prefix() + "source.bin")
                    .destinationBucket(S3TestSupport.BUCKET).destinationKey(key).uploadId(id).partNumber(2)).copyPartResult().eTag();
            String e3 = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(3),
                    RequestBody.fromBytes(p3)).eTag();

            var parts = s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id));
            assertEquals(List.of(1, 2, 3), parts.parts().stream().map(p -> p.partNumber()).toList());
            assertEquals(List.of((long) p1.length, (long) p2.length, (long) p3.length), parts.parts().stream().map(p -> p.size()).toList());
            var uploads = s3.listMultipartUploads(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix()));
            assertEquals(List.of(id), uploads.uploads().stream().map(u -> u.uploadId()).toList());

            S3Exception wrongEtag = assertThrows(S3Exception.class, () -> complete(s3, key, id, List.of(part(1, e1), part(2, e1))));
            assertEquals("InvalidPart", wrongEtag.awsErrorDetails().errorCode());
            S3Exception order = assertThrows(S3Exception.class, () -> complete(s3, key, id, List.of(part(2, e2), part(1, e1))));
            assertEquals("InvalidPartOrder", order.awsErrorDetails().errorCode());
            S3Exception small = assertThrows(S3Exception.class, () -> complete(s3, key, id, List.of(part(1, e1), part(3, e3), part(2, e2))));
            assertEquals("InvalidPartOrder", small.awsErrorDetails().errorCode());
            assertFalse(Files.exists(S3TestSupport.onDisk(key)), "nothing visible before completion");

            String etag = complete(s3, key, id, List.of(part(1, e1), part(2, e2), part(3, e3)));
            assertEquals("\"" + md5OfMd5s(e1, e2, e3) + "-3\"", etag);
            byte[] whole = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray();
            assertEquals(p1.length + p2.length + p3.length, whole.length);
            assertArrayEquals(p3, java.util.Arrays.copyOfRange(whole, p1.length + p2.length, whole.length));
            assertThrows(NoSuchUploadException.class, () -> s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)));

            String tiny = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key + ".2")).uploadId();
            String t1 = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key + ".2").uploadId(tiny).partNumber(1),
                    RequestBody.fromBytes(p3)).eTag();
            String t2 = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key + ".2").uploadId(tiny).partNumber(2),
                    RequestBody.fromBytes(p3)).eTag();
            S3Exception entityTooSmall = assertThrows(S3Exception.class, () -> complete(s3, key + ".2", tiny, List.of(part(1, t1), part(2, t2))));
            assertEquals("EntityTooSmall", entityTooSmall.awsErrorDetails().errorCode());
            s3.abortMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key + ".2").uploadId(tiny));
            assertThrows(NoSuchUploadException.class, () -> s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key + ".2").uploadId(tiny)));
            assertFalse(Files.exists(OUTPUT.resolve(".tuneops-multipart").resolve(tiny)));
        }
    }

    @Test
    void abandonedUploadsAreReaped() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "abandoned.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(1), RequestBody.fromString("part"));
            try (Stream<Path> files = Files.list(OUTPUT.resolve(".tuneops-multipart").resolve(id))) {
                assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("1-")).count(), "the part's own file");
            }
            pool.preparedQuery("UPDATE storage.multipart_uploads SET initiated = now() - interval '8 days' WHERE upload_id = $1")
                    .execute(Tuple.of(id)).await().indefinitely();
            assertTrue(reaper.reap().await().indefinitely() >= 1);
            assertThrows(NoSuchUploadException.class, () -> s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)));
            assertFalse(Files.exists(OUTPUT.resolve(".tuneops-multipart").resolve(id)));
        }
    }

    private static CompletedPart part(int n, String etag) {
        return CompletedPart.builder().partNumber(n).eTag(etag).build();
    }

    private static String complete(S3Client s3, String key, String id, List<CompletedPart> parts) {
        return s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)
                .multipartUpload(m -> m.parts(parts))).eTag();
    }

    static String md5OfMd5s(String... etags) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (String e : etags) {
            md5.update(HexFormat.of().parseHex(e.replace("\"", "")));
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
