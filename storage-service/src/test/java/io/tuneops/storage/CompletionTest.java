package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CompleteMultipartUpload retried after a lost answer, and its whole-object checksums verified. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class CompletionTest {

    private static final String B = S3TestSupport.BUCKET;
    private static final int MB = 1024 * 1024;

    @Inject
    RedisDataSource redis;

    /** An upload with two SHA-256 parts (5 MiB and 1000 bytes), not yet completed. */
    private record Upload(String key, String id, byte[] p1, byte[] p2, List<CompletedPart> parts) {
        byte[] whole() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(p1);
            out.writeBytes(p2);
            return out.toByteArray();
        }
    }

    private static Upload upload(S3Client s3, String key, ChecksumAlgorithm algorithm, ChecksumType type) {
        byte[] p1 = SdkObjectsTest.random(5 * MB);
        byte[] p2 = SdkObjectsTest.random(1000);
        String id = s3.createMultipartUpload(b -> {
            b.bucket(B).key(key);
            if (algorithm != null) {
                b.checksumAlgorithm(algorithm).checksumType(type);
            }
        }).uploadId();
        List<CompletedPart> parts = new java.util.ArrayList<>();
        int n = 1;
        for (byte[] p : List.of(p1, p2)) {
            int number = n++;
            var r = s3.uploadPart(b -> {
                b.bucket(B).key(key).uploadId(id).partNumber(number);
                if (algorithm != null) {
                    b.checksumAlgorithm(algorithm);
                }
            }, RequestBody.fromBytes(p));
            parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(r.checksumSHA256())
                    .checksumCRC32(r.checksumCRC32()).build());
        }
        return new Upload(key, id, p1, p2, parts);
    }

    @Test
    void aRepeatedCompletionAnswersWithTheSameETagWhileTheObjectIsTheOneItMade() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "retried/model.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            Upload u = upload(s3, key, ChecksumAlgorithm.SHA256, ChecksumType.COMPOSITE);
            CompleteMultipartUploadResponse first = complete(s3, u, null);
            CompleteMultipartUploadResponse again = complete(s3, u, null);
            assertEquals(first.eTag(), again.eTag());
            assertEquals(first.checksumSHA256(), again.checksumSHA256());
            assertEquals(u.whole().length, s3.headObject(b -> b.bucket(B).key(key)).contentLength());

            s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromString("replaced"));
            assertThrows(NoSuchUploadException.class, () -> complete(s3, u, null),
                    "the object is no longer the one that upload produced");
            Upload other = upload(s3, key + ".other", null, null);
            assertThrows(NoSuchUploadException.class, () -> s3.completeMultipartUpload(b -> b.bucket(B).key(key + ".other")
                    .uploadId(u.id()).multipartUpload(m -> m.parts(other.parts()))), "another key's finished upload");
        }
    }

    @Test
    void aCompositeChecksumThatDoesNotMatchIsBadDigestAndLeavesNothingVisible() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "composite/model.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            Upload u = upload(s3, key, ChecksumAlgorithm.SHA256, ChecksumType.COMPOSITE);
            String wrong = base64(sha256("not the parts".getBytes()));
            S3Exception bad = assertThrows(S3Exception.class, () -> complete(s3, u, wrong + "-2"));
            assertEquals(400, bad.statusCode());
            assertEquals("BadDigest", bad.awsErrorDetails().errorCode());
            assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket(B).key(key)));
            assertEquals(2, s3.listParts(b -> b.bucket(B).key(key).uploadId(u.id())).parts().size(), "the upload can still complete");

            MessageDigest ofChecksums = MessageDigest.getInstance("SHA-256");
            for (CompletedPart p : u.parts()) {
                ofChecksums.update(Base64.getDecoder().decode(p.checksumSHA256()));
            }
            String composite = base64(ofChecksums.digest()) + "-2";
            CompleteMultipartUploadResponse done = complete(s3, u, composite);
            assertEquals(composite, done.checksumSHA256());
            assertArrayEquals(u.whole(), s3.getObjectAsBytes(b -> b.bucket(B).key(key)).asByteArray());
        }
    }

    @Test
    void aWholeObjectChecksumOnAnUploadWithoutOneIsVerified() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "plain/model.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            Upload u = upload(s3, key, null, null);
            S3Exception bad = assertThrows(S3Exception.class, () -> complete(s3, u, base64(sha256("wrong".getBytes()))));
            assertEquals("BadDigest", bad.awsErrorDetails().errorCode());
            assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket(B).key(key)));

            String right = base64(sha256(u.whole()));
            assertEquals(right, complete(s3, u, right).checksumSHA256());
            assertEquals(right, s3.headObject(b -> b.bucket(B).key(key).checksumMode(ChecksumMode.ENABLED)).checksumSHA256());
        }
    }

    @Test
    void aFullObjectChecksumTypeOrSizeThatDoesNotMatchTheUploadIsRefused() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "full/model.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            Upload u = upload(s3, key, ChecksumAlgorithm.CRC32, ChecksumType.FULL_OBJECT);
            S3Exception type = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(B).key(key)
                    .uploadId(u.id()).checksumType(ChecksumType.COMPOSITE).multipartUpload(m -> m.parts(u.parts()))));
            assertEquals("BadDigest", type.awsErrorDetails().errorCode());
            S3Exception size = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(B).key(key)
                    .uploadId(u.id()).mpuObjectSize(1L).multipartUpload(m -> m.parts(u.parts()))));
            assertEquals("InvalidRequest", size.awsErrorDetails().errorCode());
            S3Exception crc = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(B).key(key)
                    .uploadId(u.id()).checksumCRC32("AAAAAA==").multipartUpload(m -> m.parts(u.parts()))));
            assertEquals("BadDigest", crc.awsErrorDetails().errorCode());
            assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket(B).key(key)));
            s3.completeMultipartUpload(b -> b.bucket(B).key(key).uploadId(u.id()).checksumType(ChecksumType.FULL_OBJECT)
                    .mpuObjectSize((long) u.whole().length).multipartUpload(m -> m.parts(u.parts())));
            assertEquals(u.whole().length, s3.headObject(b -> b.bucket(B).key(key)).contentLength());
        }
    }

    private static CompleteMultipartUploadResponse complete(S3Client s3, Upload u, String sha256) {
        return s3.completeMultipartUpload(b -> b.bucket(B).key(u.key()).uploadId(u.id()).checksumSHA256(sha256)
                .multipartUpload(m -> m.parts(u.parts())));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
