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
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys are not paths: any two valid keys coexist, as on S3 (StartupCleanupTest: objects stored as paths are migrated). */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class KeysAreNotPathsTest {

    static final Path OUTPUT = Path.of("target/test-outputs").toAbsolutePath().normalize();

    @Inject
    RedisDataSource redis;

    @Test
    void aKeyAndKeysBelowItCoexistAndADelimiterListingShowsBoth() {
        Credential c = S3TestSupport.issue(redis);
        String p = c.prefix();
        Map<String, String> objects = new LinkedHashMap<>();
        objects.put(p + "a/b", "the file a/b");
        objects.put(p + "a/b/c", "below a/b");
        objects.put(p + "a/b/", "a console folder");
        objects.put(p + "a/b.object", "named like a/b's file");
        objects.put(p + "a/x.object/y", "below a folder named like a file");
        objects.put(p + "a/" + "é".repeat(150), "a segment of 300 bytes");
        objects.put(p + "a/" + "n".repeat(1024 - (p + "a/").length()), "a key of 1024 bytes");
        try (S3Client s3 = S3TestSupport.client(c)) {
            objects.forEach((key, body) -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromString(body)));
            objects.forEach((key, body) -> assertEquals(body,
                    s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asUtf8String(), key));

            ListObjectsV2Response listing = s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(p + "a/").delimiter("/"));
            assertEquals(List.of(p + "a/b", p + "a/b.object", p + "a/" + "n".repeat(1024 - (p + "a/").length()),
                            p + "a/" + "é".repeat(150)),
                    listing.contents().stream().map(S3Object::key).toList());
            assertEquals(List.of(p + "a/b/", p + "a/x.object/"), listing.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
            ListObjectsV2Response below = s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(p + "a/b/").delimiter("/"));
            assertEquals(List.of(p + "a/b/", p + "a/b/c"), below.contents().stream().map(S3Object::key).toList());

            // deleting one leaves the others as they were
            s3.deleteObject(b -> b.bucket(S3TestSupport.BUCKET).key(p + "a/b"));
            assertEquals(404, assertThrows(S3Exception.class,
                    () -> s3.headObject(b -> b.bucket(S3TestSupport.BUCKET).key(p + "a/b"))).statusCode());
            assertEquals("below a/b", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(p + "a/b/c")).asUtf8String());
            assertEquals("a console folder", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(p + "a/b/")).asUtf8String());

            // one byte over S3's limit is S3's error
            S3Exception tooLong = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET)
                    .key(p + "a/" + "n".repeat(1025 - (p + "a/").length())), RequestBody.fromString("x")));
            assertEquals(400, tooLong.statusCode());
            assertEquals("KeyTooLongError", tooLong.awsErrorDetails().errorCode());
        }
        // a human finds a/b/c at {output}/{job}/a/b/c.object
        assertTrue(Files.isRegularFile(OUTPUT.resolve(p + "a/b/c.object")));
    }
}
