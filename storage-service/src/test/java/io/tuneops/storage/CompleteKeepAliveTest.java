package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Completion that outlasts the keep-alive interval (here 1 ms: every completion does) answers 200
 * early and streams spaces; the SDK still reads the result, and a failure found afterwards (a
 * wrong full-object checksum) still reaches it as an S3 error.
 */
@QuarkusTest
@TestProfile(CompleteKeepAliveTest.ImmediateKeepAlive.class)
@WithTestResource(EmbeddedServersTestResource.class)
class CompleteKeepAliveTest {

    public static class ImmediateKeepAlive implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.storage.complete-keep-alive", "PT0.001S");
        }
    }

    static final int MB = 1024 * 1024;

    @Inject
    RedisDataSource redis;

    @Test
    void fullObjectChecksumsAreVerifiedAfterTheEarly200() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        byte[] p1 = SdkObjectsTest.random(6 * MB);
        byte[] p2 = SdkObjectsTest.random(2 * MB);
        CRC32 crc = new CRC32();
        crc.update(p1);
        crc.update(p2);
        String wholeCrc = Base64.getEncoder().encodeToString(new byte[]{(byte) (crc.getValue() >>> 24),
                (byte) (crc.getValue() >>> 16), (byte) (crc.getValue() >>> 8), (byte) crc.getValue()});
        List<String> transferEncodings = new ArrayList<>();
        ExecutionInterceptor spy = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof CompleteMultipartUploadRequest) {
                    transferEncodings.add(context.httpResponse().firstMatchingHeader("Transfer-Encoding").orElse("none"));
                }
            }
        };
        try (S3Client s3 = S3Client.builder().endpointOverride(S3TestSupport.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(S3TestSupport.provider(c)).overrideConfiguration(o -> o.addExecutionInterceptor(spy)).build()) {
            for (String wanted : List.of("AAAAAA==", wholeCrc)) {
                String key = c.prefix() + "full-object-" + wanted.substring(0, 4).replace('/', '_').replace('+', '-');
                String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumType(ChecksumType.FULL_OBJECT)).uploadId();
                List<CompletedPart> parts = new ArrayList<>();
                int n = 1;
                for (byte[] p : List.of(p1, p2)) {
                    int number = n++;
                    var up = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(number)
                            .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(p));
                    parts.add(CompletedPart.builder().partNumber(number).eTag(up.eTag()).checksumCRC32(up.checksumCRC32()).build());
                }
                if (wanted.equals("AAAAAA==")) {
                    S3Exception e = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET)
                            .key(key).uploadId(id).checksumType(ChecksumType.FULL_OBJECT).checksumCRC32(wanted)
                            .multipartUpload(m -> m.parts(parts))));
                    assertEquals("BadDigest", e.awsErrorDetails().errorCode());
                    assertFalse(Files.exists(S3TestSupport.onDisk(key)));
                } else {
                    var done = s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)
                            .checksumType(ChecksumType.FULL_OBJECT).checksumCRC32(wanted).multipartUpload(m -> m.parts(parts)));
                    assertEquals(wholeCrc, done.checksumCRC32());
                    // the SDK validates the full-object CRC32 of the body it reads
                    var got = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key).checksumMode(ChecksumMode.ENABLED));
                    assertEquals(wholeCrc, got.response().checksumCRC32());
                    byte[] all = got.asByteArray();
                    assertArrayEquals(p2, java.util.Arrays.copyOfRange(all, p1.length, all.length));
                }
            }
        }
        assertEquals(List.of("chunked", "chunked"), transferEncodings);
    }

    @Test
    void copiesAnswer200EarlyAndTheSdkReadsTheirResult() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        byte[] body = SdkObjectsTest.random(16 * MB);
        String source = c.prefix() + "copy-source.bin";
        List<String> transferEncodings = new ArrayList<>();
        ExecutionInterceptor spy = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof CopyObjectRequest || context.request() instanceof UploadPartCopyRequest) {
                    transferEncodings.add(context.httpResponse().firstMatchingHeader("Transfer-Encoding").orElse("none"));
                }
            }
        };
        try (S3Client s3 = S3Client.builder().endpointOverride(S3TestSupport.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(S3TestSupport.provider(c)).overrideConfiguration(o -> o.addExecutionInterceptor(spy)).build()) {
            String etag = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(source), RequestBody.fromBytes(body)).eTag();
            String copied = s3.copyObject(b -> b.sourceBucket(S3TestSupport.BUCKET).sourceKey(source)
                    .destinationBucket(S3TestSupport.BUCKET).destinationKey(c.prefix() + "copy-target.bin")).copyObjectResult().eTag();
            assertEquals(etag, copied);
            String target = c.prefix() + "part-copy-target.bin";
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(target)).uploadId();
            String part = s3.uploadPartCopy(b -> b.sourceBucket(S3TestSupport.BUCKET).sourceKey(source)
                    .destinationBucket(S3TestSupport.BUCKET).destinationKey(target).uploadId(id).partNumber(1)).copyPartResult().eTag();
            assertEquals(etag, part);
            // a refusal found before any byte is copied answers as usual
            S3Exception gone = assertThrows(S3Exception.class, () -> s3.copyObject(b -> b.sourceBucket(S3TestSupport.BUCKET)
                    .sourceKey(source).destinationBucket(S3TestSupport.BUCKET).destinationKey(c.prefix() + "copy-target.bin")
                    .ifNoneMatch("*")));
            assertEquals("PreconditionFailed", gone.awsErrorDetails().errorCode());
            assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "copy-target.bin")).asByteArray());
        }
        assertEquals(List.of("chunked", "chunked", "none"), transferEncodings);
    }
}
