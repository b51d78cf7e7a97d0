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
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Conditional writes as S3 has them: If-Match / If-None-Match on PutObject, CopyObject and
 * CompleteMultipartUpload, checked atomically with the commit, and the x-amz-copy-source-if-*
 * conditions on the source of CopyObject and UploadPartCopy.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class ConditionalWritesTest {

    private static final String B = S3TestSupport.BUCKET;

    @Inject
    RedisDataSource redis;

    @Test
    void putIfNoneMatchStarCreatesOnlyAMissingKey() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "create-only.txt";
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(B).key(key).ifNoneMatch("*"), RequestBody.fromString("first"));
            S3Exception refused = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(B).key(key).ifNoneMatch("*"), RequestBody.fromString("second")));
            assertEquals(412, refused.statusCode());
            assertEquals("PreconditionFailed", refused.awsErrorDetails().errorCode());
            assertEquals("first", read(s3, key), "the refused write changed nothing");
        }
    }

    @Test
    void putIfMatchReplacesOnlyTheObjectItNames() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "replace-if.txt";
        try (S3Client s3 = S3TestSupport.client(c)) {
            S3Exception missing = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(B).key(key).ifMatch("\"0123456789abcdef0123456789abcdef\""), RequestBody.fromString("x")));
            assertEquals(404, missing.statusCode(), "If-Match on a missing key answers as S3 does");
            assertEquals("NoSuchKey", missing.awsErrorDetails().errorCode());

            String v1 = s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromString("v1")).eTag();
            S3Exception stale = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(B).key(key).ifMatch("\"0123456789abcdef0123456789abcdef\""), RequestBody.fromString("x")));
            assertEquals(412, stale.statusCode());
            assertEquals("v1", read(s3, key));

            String v2 = s3.putObject(b -> b.bucket(B).key(key).ifMatch(v1), RequestBody.fromString("v2")).eTag();
            assertEquals("v2", read(s3, key));
            S3Exception taken = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(B).key(key).ifMatch(v1), RequestBody.fromString("v3")), "v1 is no longer there");
            assertEquals(412, taken.statusCode());
            S3Exception noneMatch = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(B).key(key).ifNoneMatch(v2), RequestBody.fromString("v3")));
            assertEquals(412, noneMatch.statusCode());
            s3.putObject(b -> b.bucket(B).key(key).ifNoneMatch(v1), RequestBody.fromString("v3"));
            assertEquals("v3", read(s3, key));
        }
    }

    @Test
    void ofConcurrentCreateOnlyWritesExactlyOneWins() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "race.txt";
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        try (S3Client s3 = S3TestSupport.client(c)) {
            List<Future<Integer>> outcomes = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String body = "writer-" + i;
                Callable<Integer> write = () -> {
                    start.await();
                    try {
                        s3.putObject(b -> b.bucket(B).key(key).ifNoneMatch("*"), RequestBody.fromString(body));
                        return 200;
                    } catch (S3Exception e) {
                        return e.statusCode();
                    }
                };
                outcomes.add(pool.submit(write));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : outcomes) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(writers - 1, statuses.stream().filter(s -> s == 412).count(), statuses.toString());
            String winner = read(s3, key);
            assertEquals(true, winner.startsWith("writer-"), winner);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void completeMultipartUploadHonoursWriteConditionsAndKeepsTheUploadWhenRefused() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "conditional-multipart.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String existing = s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromString("already here")).eTag();
            String id = s3.createMultipartUpload(b -> b.bucket(B).key(key)).uploadId();
            String e1 = s3.uploadPart(b -> b.bucket(B).key(key).uploadId(id).partNumber(1), RequestBody.fromString("multipart")).eTag();
            List<CompletedPart> parts = List.of(CompletedPart.builder().partNumber(1).eTag(e1).build());

            S3Exception exists = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(B).key(key).uploadId(id)
                    .ifNoneMatch("*").multipartUpload(m -> m.parts(parts))));
            assertEquals(412, exists.statusCode());
            S3Exception stale = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(B).key(key).uploadId(id)
                    .ifMatch("\"0123456789abcdef0123456789abcdef\"").multipartUpload(m -> m.parts(parts))));
            assertEquals(412, stale.statusCode());
            assertEquals("already here", read(s3, key));
            assertEquals(1, s3.listParts(b -> b.bucket(B).key(key).uploadId(id)).parts().size(), "the upload is still there");

            s3.completeMultipartUpload(b -> b.bucket(B).key(key).uploadId(id).ifMatch(existing).multipartUpload(m -> m.parts(parts)));
            assertEquals("multipart", read(s3, key));
        }
    }

    @Test
    void copyObjectChecksItsSourceConditionsAsS3Documents() {
        Credential c = S3TestSupport.issue(redis);
        String source = c.prefix() + "copy-source.txt";
        String target = c.prefix() + "copy-target.txt";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String etag = s3.putObject(b -> b.bucket(B).key(source), RequestBody.fromString("source")).eTag();
            HeadObjectResponse head = s3.headObject(b -> b.bucket(B).key(source));
            Instant before = head.lastModified().minus(Duration.ofDays(1));
            Instant after = head.lastModified().plus(Duration.ofDays(1));
            String other = "\"0123456789abcdef0123456789abcdef\"";

            assertCopyRefused(s3, source, target, b -> b.copySourceIfMatch(other));
            assertCopyRefused(s3, source, target, b -> b.copySourceIfNoneMatch(etag));
            assertCopyRefused(s3, source, target, b -> b.copySourceIfUnmodifiedSince(before));
            assertCopyRefused(s3, source, target, b -> b.copySourceIfModifiedSince(after));
            // if-none-match false and if-modified-since true: 412
            assertCopyRefused(s3, source, target, b -> b.copySourceIfNoneMatch(etag).copySourceIfModifiedSince(before));
            assertThrows(S3Exception.class, () -> s3.headObject(b -> b.bucket(B).key(target)), "no refused copy wrote anything");

            // if-match true and if-unmodified-since false: 200 and the copy
            s3.copyObject(b -> b.sourceBucket(B).sourceKey(source).destinationBucket(B).destinationKey(target)
                    .copySourceIfMatch(etag).copySourceIfUnmodifiedSince(before));
            assertEquals("source", read(s3, target));
            s3.copyObject(b -> b.sourceBucket(B).sourceKey(source).destinationBucket(B).destinationKey(target + ".2")
                    .copySourceIfNoneMatch(other).copySourceIfModifiedSince(before).copySourceIfUnmodifiedSince(after));
            assertEquals("source", read(s3, target + ".2"));
            S3Exception exists = assertThrows(S3Exception.class, () -> s3.copyObject(b -> b.sourceBucket(B).sourceKey(source)
                    .destinationBucket(B).destinationKey(target).ifNoneMatch("*")));
            assertEquals(412, exists.statusCode(), "the destination's own If-None-Match");
        }
    }

    @Test
    void uploadPartCopyChecksItsSourceConditions() {
        Credential c = S3TestSupport.issue(redis);
        String source = c.prefix() + "part-source.txt";
        String key = c.prefix() + "part-copy.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String etag = s3.putObject(b -> b.bucket(B).key(source), RequestBody.fromString("part source")).eTag();
            String id = s3.createMultipartUpload(b -> b.bucket(B).key(key)).uploadId();
            S3Exception refused = assertThrows(S3Exception.class, () -> s3.uploadPartCopy(b -> b.sourceBucket(B).sourceKey(source)
                    .destinationBucket(B).destinationKey(key).uploadId(id).partNumber(1).copySourceIfNoneMatch(etag)));
            assertEquals(412, refused.statusCode());
            assertEquals("PreconditionFailed", refused.awsErrorDetails().errorCode());
            assertEquals(0, s3.listParts(b -> b.bucket(B).key(key).uploadId(id)).parts().size());
            String part = s3.uploadPartCopy(b -> b.sourceBucket(B).sourceKey(source).destinationBucket(B).destinationKey(key)
                    .uploadId(id).partNumber(1).copySourceIfMatch(etag)).copyPartResult().eTag();
            assertEquals(etag, part);
        }
    }

    private static void assertCopyRefused(S3Client s3, String source, String target,
                                          Consumer<software.amazon.awssdk.services.s3.model.CopyObjectRequest.Builder> condition) {
        S3Exception e = assertThrows(S3Exception.class, () -> s3.copyObject(b -> {
            b.sourceBucket(B).sourceKey(source).destinationBucket(B).destinationKey(target);
            condition.accept(b);
        }));
        assertEquals(412, e.statusCode());
        assertEquals("PreconditionFailed", e.awsErrorDetails().errorCode());
    }

    static String read(S3Client s3, String key) {
        return new String(s3.getObjectAsBytes(b -> b.bucket(B).key(key)).asByteArray(), StandardCharsets.UTF_8);
    }
}
