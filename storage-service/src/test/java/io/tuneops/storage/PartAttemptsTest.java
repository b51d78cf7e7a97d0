package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An attempt at a part that wrote its file but was never recorded leaves the recorded attempt's
 * bytes (docs/storage.md, "One file per attempt"). Here PostgreSQL refuses the later attempt's
 * row at COMMIT; storage-service killed between the file and the row leaves it unrecorded alike.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class PartAttemptsTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Test
    void anAttemptNeverRecordedLeavesTheRecordedBytes() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "attempts.bin";
        // below the minimum part size, so no place is claimed and each attempt writes a file of its own
        byte[] recorded = SdkObjectsTest.random(1000);
        byte[] unrecorded = SdkObjectsTest.random(3000);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            String etag = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(1),
                    RequestBody.fromBytes(recorded)).eTag();

            RefusedAtCommit refusal = RefusedAtCommit.partsWithEtag(pool, SdkObjectsTest.md5(unrecorded));
            refusal.install();
            try {
                S3Exception refused = assertThrows(S3Exception.class, () -> s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET)
                        .key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(unrecorded)));
                assertEquals(500, refused.statusCode(), refused.toString());
            } finally {
                refusal.remove();
            }

            List<Part> parts = s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)).parts();
            assertEquals(List.of(etag), parts.stream().map(Part::eTag).toList());
            s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id)
                    .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
            assertArrayEquals(recorded, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray(),
                    "the object is the recorded attempt's bytes");
        }
    }
}
