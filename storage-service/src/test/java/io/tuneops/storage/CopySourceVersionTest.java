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
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy takes the version of its source that its x-amz-copy-source-if-match names, whole, while
 * the source is overwritten again and again: the row the condition is checked against and the
 * file the bytes come from are read under the source key's lock, so a copy never joins one
 * version's description to another version's bytes (nor fails on a file shorter than its row).
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class CopySourceVersionTest {

    private static final String B = S3TestSupport.BUCKET;

    @Inject
    RedisDataSource redis;

    @Test
    void copiesAndPartCopiesTakeTheVersionTheirConditionNamesWhileTheSourceIsOverwritten() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String source = c.prefix() + "overwritten/source.bin";
        AtomicBoolean writing = new AtomicBoolean(true);
        try (S3Client s3 = S3TestSupport.clientWithoutRetries(c); S3Client writer = S3TestSupport.client(c)) {
            writer.putObject(b -> b.bucket(B).key(source), RequestBody.fromBytes(SdkObjectsTest.random(64 * 1024)));
            CompletableFuture<Integer> overwrites = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                while (writing.get()) {
                    // every version a different size: a copy of another version than its row's would show
                    int size = 32 * 1024 + (n % 64) * 1024;
                    writer.putObject(b -> b.bucket(B).key(source), RequestBody.fromBytes(SdkObjectsTest.random(size)));
                    n++;
                }
                return n;
            });
            String upload = s3.createMultipartUpload(b -> b.bucket(B).key(c.prefix() + "overwritten/parts.bin")).uploadId();
            List<String> mismatches = new ArrayList<>();
            int copied = 0;
            for (int i = 0; i < 150; i++) {
                String etag = s3.headObject(b -> b.bucket(B).key(source)).eTag();
                String target = c.prefix() + "overwritten/copy-" + i;
                int part = i + 1;
                try {
                    String got = i % 2 == 0
                            ? s3.copyObject(b -> b.sourceBucket(B).sourceKey(source).copySourceIfMatch(etag)
                            .destinationBucket(B).destinationKey(target)).copyObjectResult().eTag()
                            : s3.uploadPartCopy(b -> b.sourceBucket(B).sourceKey(source).copySourceIfMatch(etag)
                            .destinationBucket(B).destinationKey(c.prefix() + "overwritten/parts.bin").uploadId(upload)
                            .partNumber(part)).copyPartResult().eTag();
                    copied++;
                    if (!got.equals(etag)) {
                        mismatches.add("copy " + i + ": condition " + etag + ", bytes " + got);
                    }
                } catch (S3Exception e) {
                    // the source changed between the HEAD and the copy: refused whole, as S3 does
                    assertEquals(412, e.statusCode(), "copy " + i + ": " + e.getMessage());
                }
            }
            writing.set(false);
            assertTrue(overwrites.get(60, TimeUnit.SECONDS) > 0);
            assertEquals(List.of(), mismatches);
            assertTrue(copied > 0, "some copies met their condition");
        } finally {
            writing.set(false);
        }
    }
}
