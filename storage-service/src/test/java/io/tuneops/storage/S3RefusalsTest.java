package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests S3 refuses, refused with S3's status and code and nothing stored: settings this
 * endpoint keeps nothing of but S3 checks (storage class, canned ACL, server-side encryption,
 * metadata directive), user metadata over 2 KB, a checksum algorithm without its checksum, and
 * GetObject's partNumber out of range or beside a Range.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class S3RefusalsTest {

    private static final String B = S3TestSupport.BUCKET;

    @Inject
    RedisDataSource redis;

    @Test
    void writeSettingsS3DoesNotKnowAreRefusedAndTheKeyStaysEmpty() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "settings.txt";
        try (S3Client s3 = S3TestSupport.client(c)) {
            assertRefused(400, "InvalidStorageClass",
                    () -> s3.putObject(b -> b.bucket(B).key(key).storageClass("BOGUS"), RequestBody.fromString("x")));
            assertRefused(400, "InvalidStorageClass",
                    () -> s3.createMultipartUpload(b -> b.bucket(B).key(key).storageClass("BOGUS")));
            assertRefused(400, "InvalidArgument",
                    () -> s3.putObject(b -> b.bucket(B).key(key).acl("bogus-acl"), RequestBody.fromString("x")));
            assertRefused(400, "InvalidArgument",
                    () -> s3.putObject(b -> b.bucket(B).key(key).serverSideEncryption("BOGUS"), RequestBody.fromString("x")));
            String big = "v".repeat(2100);
            assertRefused(400, "MetadataTooLarge",
                    () -> s3.putObject(b -> b.bucket(B).key(key).metadata(Map.of("big", big)), RequestBody.fromString("x")));
            assertThrows(NoSuchKeyException.class, () -> ConditionalWritesTest.read(s3, key), "nothing was stored");

            // what S3 accepts still goes through
            s3.putObject(b -> b.bucket(B).key(key).storageClass("STANDARD_IA").acl("private")
                    .metadata(Map.of("small", "v".repeat(1000))), RequestBody.fromString("stored"));
            assertEquals("stored", ConditionalWritesTest.read(s3, key));
            assertRefused(400, "InvalidArgument", () -> s3.copyObject(b -> b.sourceBucket(B).sourceKey(key)
                    .destinationBucket(B).destinationKey(key + ".copy").metadataDirective("BOGUS")));
            // refused before a byte is copied: no copy left behind
            assertRefused(400, "MetadataTooLarge", () -> s3.copyObject(b -> b.sourceBucket(B).sourceKey(key)
                    .destinationBucket(B).destinationKey(key + ".copy").metadataDirective("REPLACE").metadata(Map.of("big", big))));
            assertThrows(NoSuchKeyException.class, () -> ConditionalWritesTest.read(s3, key + ".copy"));
        }
        S3SecurityTest.assertNoTemporaryFilesLeft();
    }

    @Test
    void aChecksumAlgorithmWithoutItsChecksumIsRefused() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "sdk-algorithm-alone.txt";
        byte[] body = "no checksum came with it".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> refused = RawS3.send(RawS3.sign(c, "PUT", "/" + B + "/" + key,
                Map.of("x-amz-sdk-checksum-algorithm", "CRC32"), body, RawS3.Mode.SHA256));
        assertEquals(400, refused.statusCode(), RawS3.body(refused));
        assertTrue(RawS3.body(refused).contains("<Code>InvalidRequest</Code>"), RawS3.body(refused));
        try (S3Client s3 = S3TestSupport.client(c)) {
            assertThrows(NoSuchKeyException.class, () -> ConditionalWritesTest.read(s3, key));
        }
    }

    @Test
    void partNumberIsCheckedAsS3ChecksIt() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "whole.txt";
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromString("uploaded whole"));
            assertRefused(400, "InvalidArgument", () -> s3.getObjectAsBytes(b -> b.bucket(B).key(key).partNumber(0)));
            assertRefused(400, "InvalidArgument", () -> s3.getObjectAsBytes(b -> b.bucket(B).key(key).partNumber(10001)));
            assertRefused(416, "InvalidPartNumber", () -> s3.getObjectAsBytes(b -> b.bucket(B).key(key).partNumber(2)));
            assertRefused(400, "InvalidRequest",
                    () -> s3.getObjectAsBytes(b -> b.bucket(B).key(key).partNumber(1).range("bytes=0-1")));

            GetObjectResponse whole = s3.getObjectAsBytes(b -> b.bucket(B).key(key).partNumber(1)).response();
            assertEquals(14L, whole.contentLength());
            assertFalse(whole.sdkHttpResponse().firstMatchingHeader("x-amz-mp-parts-count").isPresent(),
                    "S3 counts the parts of multipart objects only");
        }
    }

    private static void assertRefused(int status, String code, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(status, e.statusCode(), e.getMessage());
        assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
    }
}
