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
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Conditional deletes as S3 has them: DeleteObject's If-Match (an ETag or {@code *}) and
 * x-amz-if-match-size, and a DeleteObjects entry's ETag and Size. A condition that does not hold
 * is 412 PreconditionFailed and leaves the object; a condition on a key without an object is 404
 * NoSuchKey. A precondition a client sent is never ignored.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class ConditionalDeletesTest {

    private static final String B = S3TestSupport.BUCKET;
    private static final String STALE = "\"0123456789abcdef0123456789abcdef\"";

    @Inject
    RedisDataSource redis;

    @Test
    void deleteObjectIfMatchDeletesOnlyTheObjectItNames() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "delete-if.txt";
        try (S3Client s3 = S3TestSupport.client(c)) {
            S3Exception missing = assertThrows(S3Exception.class, () -> s3.deleteObject(b -> b.bucket(B).key(key).ifMatch(STALE)));
            assertEquals(404, missing.statusCode(), "If-Match on a key without an object");
            assertEquals("NoSuchKey", missing.awsErrorDetails().errorCode());

            String etag = s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromString("kept")).eTag();
            S3Exception stale = assertThrows(S3Exception.class, () -> s3.deleteObject(b -> b.bucket(B).key(key).ifMatch(STALE)));
            assertEquals(412, stale.statusCode());
            assertEquals("PreconditionFailed", stale.awsErrorDetails().errorCode());
            S3Exception wrongSize = assertThrows(S3Exception.class, () -> s3.deleteObject(b -> b.bucket(B).key(key).ifMatch(etag)
                    .ifMatchSize(5L)));
            assertEquals(412, wrongSize.statusCode(), "every condition must hold");
            assertEquals("kept", ConditionalWritesTest.read(s3, key), "a refused delete changed nothing");

            s3.deleteObject(b -> b.bucket(B).key(key).ifMatch(etag).ifMatchSize(4L));
            assertThrows(NoSuchKeyException.class, () -> ConditionalWritesTest.read(s3, key));

            s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromString("again"));
            s3.deleteObject(b -> b.bucket(B).key(key).ifMatch("*"));
            assertThrows(NoSuchKeyException.class, () -> ConditionalWritesTest.read(s3, key), "If-Match: * deletes what exists");
        }
    }

    @Test
    void deleteObjectsChecksEachEntrysConditionsOnItsOwn() {
        Credential c = S3TestSupport.issue(redis);
        String matching = c.prefix() + "bulk/matching";
        String changed = c.prefix() + "bulk/changed";
        String plain = c.prefix() + "bulk/plain";
        String absent = c.prefix() + "bulk/absent";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String etag = s3.putObject(b -> b.bucket(B).key(matching), RequestBody.fromString("m")).eTag();
            s3.putObject(b -> b.bucket(B).key(changed), RequestBody.fromString("c"));
            s3.putObject(b -> b.bucket(B).key(plain), RequestBody.fromString("p"));

            DeleteObjectsResponse answer = s3.deleteObjects(b -> b.bucket(B).delete(d -> d.objects(
                    ObjectIdentifier.builder().key(matching).eTag(etag).size(1L).build(),
                    ObjectIdentifier.builder().key(changed).eTag(STALE).build(),
                    ObjectIdentifier.builder().key(plain).build(),
                    ObjectIdentifier.builder().key(absent).eTag(etag).build())));

            assertEquals(Set.of(matching, plain),
                    answer.deleted().stream().map(DeletedObject::key).collect(Collectors.toSet()));
            Map<String, String> errors = answer.errors().stream().collect(Collectors.toMap(S3Error::key, S3Error::code));
            assertEquals(Map.of(changed, "PreconditionFailed", absent, "NoSuchKey"), errors);
            assertEquals("c", ConditionalWritesTest.read(s3, changed), "the entry whose condition failed is kept");
            assertThrows(NoSuchKeyException.class, () -> ConditionalWritesTest.read(s3, matching));
            assertThrows(NoSuchKeyException.class, () -> ConditionalWritesTest.read(s3, plain));
        }
    }
}
