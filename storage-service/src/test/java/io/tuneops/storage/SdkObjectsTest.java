package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.support.SharedNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AWS SDK for Java v2 with default settings (signed aws-chunked bodies with CRC32 trailers over HTTP). */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class SdkObjectsTest {

    @Inject
    RedisDataSource redis;

    @Test
    void putGetHeadDeleteRoundTripWithMetadataAndChecksums() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        byte[] body = random(300_000);
        String key = c.prefix() + "checkpoints/step 100/model+weights.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            var put = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key).contentType("application/x-test")
                    .metadata(Map.of("epoch", "3")), RequestBody.fromBytes(body));
            assertEquals("\"" + md5(body) + "\"", put.eTag());
            assertNotNull(put.checksumCRC32(), "the SDK's default CRC32 trailer was verified and echoed");

            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)
                    .checksumMode(ChecksumMode.ENABLED));
            assertArrayEquals(body, got.asByteArray());
            assertEquals("application/x-test", got.response().contentType());
            assertEquals("3", got.response().metadata().get("epoch"));
            assertEquals(put.checksumCRC32(), got.response().checksumCRC32());

            HeadObjectResponse head = s3.headObject(b -> b.bucket(S3TestSupport.BUCKET).key(key));
            assertEquals(body.length, head.contentLength());
            assertEquals(put.eTag(), head.eTag());

            // a human finds the bytes at {output}/{job_id}/.../{last segment}.object
            Path onDisk = Path.of("target/test-outputs").resolve(key + ".object");
            assertArrayEquals(body, Files.readAllBytes(onDisk));

            byte[] range = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key).range("bytes=1000-1999")).asByteArray();
            assertEquals(1000, range.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(body, 1000, 2000), range);
            byte[] suffix = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key).range("bytes=-10")).asByteArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(body, body.length - 10, body.length), suffix);

            s3.deleteObject(b -> b.bucket(S3TestSupport.BUCKET).key(key));
            assertThrows(NoSuchKeyException.class, () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)));
            assertFalse(Files.exists(onDisk));
        }
        Map<String, String> progress = redis.hash(String.class).hgetall(SharedNames.UPLOAD_PROGRESS_PREFIX + c.jobId());
        assertEquals("1", progress.get("objects"));
        assertEquals(Integer.toString(body.length), progress.get("bytes"));
        assertTrue(progress.get("last_upload_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), progress.toString());

        // and the audit trail has it, attributed to the credential
        var recent = redis.execute("XREVRANGE", SharedNames.AUDIT_STREAM, "+", "-", "COUNT", "500");
        List<io.vertx.core.json.JsonObject> events = new ArrayList<>();
        recent.forEach(entry -> events.add(new io.vertx.core.json.JsonObject(entry.get(1).get(1).toString())));
        var event = events.stream().filter(e -> ("outputs/" + key).equals(e.getString("target_id"))).findFirst().orElseThrow();
        assertEquals("upload.completed", event.getString("type"));
        assertEquals("upload-credential:" + c.accessKeyId(), event.getString("actor"));
        assertEquals("put", event.getString("action"));
        assertEquals(body.length, event.getJsonObject("details").getInteger("size"));
        assertFalse(event.encode().contains(c.secret()));
    }

    @Test
    void emptyObjectsAndOtherChecksumAlgorithms() {
        Credential c = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "empty"), RequestBody.empty());
            assertEquals(0, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "empty")).asByteArray().length);
            // CRC64NVME needs the AWS CRT on the client side; the server's CRC-64/NVME is checked in SigV4Test
            for (ChecksumAlgorithm a : List.of(ChecksumAlgorithm.CRC32_C, ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256)) {
                byte[] body = random(70_000);
                String key = c.prefix() + "algo/" + a;
                var put = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key).checksumAlgorithm(a), RequestBody.fromBytes(body));
                var got = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key).checksumMode(ChecksumMode.ENABLED));
                assertArrayEquals(body, got.asByteArray());
                String sent = switch (a) {
                    case CRC32_C -> put.checksumCRC32C();
                    case SHA1 -> put.checksumSHA1();
                    default -> put.checksumSHA256();
                };
                assertNotNull(sent, a + " echoed");
            }
        }
    }

    @Test
    void listingWithDelimitersAndPagination() {
        Credential c = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(c)) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                keys.add(c.prefix() + "samples/img-" + i + ".png");
            }
            for (int i = 0; i < 3; i++) {
                keys.add(c.prefix() + "checkpoint-" + i + "/model.safetensors");
                keys.add(c.prefix() + "checkpoint-" + i + "/optimizer.pt");
            }
            keys.add(c.prefix() + "train.log");
            for (String k : keys) {
                s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(k), RequestBody.fromString(k));
            }
            ListObjectsV2Response top = s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix()).delimiter("/"));
            assertEquals(List.of(c.prefix() + "train.log"), top.contents().stream().map(S3Object::key).toList());
            assertEquals(List.of(c.prefix() + "checkpoint-0/", c.prefix() + "checkpoint-1/", c.prefix() + "checkpoint-2/",
                    c.prefix() + "samples/"), top.commonPrefixes().stream().map(CommonPrefix::prefix).toList());

            // pages of 2 with delimiter: common prefixes count as entries and are never repeated
            List<String> seen = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix()).delimiter("/").maxKeys(2))
                    .forEach(page -> {
                        assertTrue(page.keyCount() <= 2);
                        page.commonPrefixes().forEach(p -> seen.add(p.prefix()));
                        page.contents().forEach(o -> seen.add(o.key()));
                    });
            assertEquals(5, seen.size(), seen.toString());

            List<String> all = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix()).maxKeys(3))
                    .contents().forEach(o -> all.add(o.key()));
            assertEquals(keys.stream().sorted().toList(), all);

            List<String> v1 = new ArrayList<>();
            String marker = null;
            int pages = 0;
            do {
                String m = marker;
                var page = s3.listObjects(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix() + "samples/").maxKeys(4).marker(m));
                page.contents().forEach(o -> v1.add(o.key()));
                marker = page.isTruncated() ? page.nextMarker() : null;
                pages++;
            } while (marker != null);
            assertEquals(7, v1.size());
            assertEquals(2, pages);

            var after = s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix() + "samples/")
                    .startAfter(c.prefix() + "samples/img-4.png"));
            assertEquals(List.of(c.prefix() + "samples/img-5.png", c.prefix() + "samples/img-6.png"),
                    after.contents().stream().map(S3Object::key).toList());

            var versions = s3.listObjectVersions(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix() + "checkpoint-1/"));
            assertEquals(2, versions.versions().size());
            assertEquals("null", versions.versions().get(0).versionId());

            // the bucket root is narrowed to the credential's own prefix
            var root = s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).delimiter("/"));
            assertEquals(List.of(c.prefix()), root.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
            assertEquals(List.of(S3TestSupport.BUCKET), s3.listBuckets().buckets().stream().map(b -> b.name()).toList());
            s3.headBucket(b -> b.bucket(S3TestSupport.BUCKET));
        }
    }

    @Test
    void deleteObjectsAndCopy() {
        Credential c = S3TestSupport.issue(redis);
        Credential other = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(c)) {
            for (String k : List.of("a", "b", "c")) {
                s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + k), RequestBody.fromString("content " + k));
            }
            var copy = s3.copyObject(b -> b.sourceBucket(S3TestSupport.BUCKET).sourceKey(c.prefix() + "a")
                    .destinationBucket(S3TestSupport.BUCKET).destinationKey(c.prefix() + "copies/a"));
            assertEquals("\"" + md5("content a".getBytes(StandardCharsets.UTF_8)) + "\"", copy.copyObjectResult().eTag());
            assertEquals("content a", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "copies/a")).asUtf8String());

            S3Exception outside = assertThrows(S3Exception.class, () -> s3.copyObject(b -> b.sourceBucket(S3TestSupport.BUCKET)
                    .sourceKey(other.prefix() + "x").destinationBucket(S3TestSupport.BUCKET).destinationKey(c.prefix() + "stolen")));
            assertEquals(403, outside.statusCode());

            DeleteObjectsResponse deleted = s3.deleteObjects(b -> b.bucket(S3TestSupport.BUCKET).delete(d -> d.objects(
                    ObjectIdentifier.builder().key(c.prefix() + "a").build(),
                    ObjectIdentifier.builder().key(c.prefix() + "b").build(),
                    ObjectIdentifier.builder().key(other.prefix() + "c").build())));
            assertEquals(2, deleted.deleted().size());
            assertEquals(1, deleted.errors().size());
            assertEquals("AccessDenied", deleted.errors().get(0).code());
            var left = s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix()));
            assertEquals(List.of(c.prefix() + "c", c.prefix() + "copies/a"), left.contents().stream().map(S3Object::key).toList());
        }
    }

    @Test
    void aKeyThatIsAnotherKeysFolderCoexistsWithItAndOnlyAForeignFileIsAConflict() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(c)) {
            // keys are not paths (the issue changed this from 409 to S3's behaviour)
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "a/b"), RequestBody.fromString("file"));
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "a/b/c"), RequestBody.fromString("below a file"));
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "x/y/z"), RequestBody.fromString("deep"));
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "x/y"), RequestBody.fromString("over a folder"));
            // folder objects (keys ending in /) live beside the keys below them
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "x/y/"), RequestBody.empty());
            assertEquals(List.of(c.prefix() + "a/b", c.prefix() + "a/b/c", c.prefix() + "x/y", c.prefix() + "x/y/", c.prefix() + "x/y/z"),
                    s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())).contents().stream().map(S3Object::key).toList());
            assertEquals("deep", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "x/y/z")).asUtf8String());
            assertEquals("over a folder", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "x/y")).asUtf8String());
            assertEquals("file", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "a/b")).asUtf8String());

            // a file someone put on the volume by hand where a key needs a folder: a conflict, not a crash
            Files.writeString(Path.of("target/test-outputs").resolve(c.prefix() + "by-hand"), "not an object");
            S3Exception blocked = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET)
                    .key(c.prefix() + "by-hand/x"), RequestBody.fromString("below a foreign file")));
            assertEquals(409, blocked.statusCode());
            assertEquals("InvalidObjectState", blocked.awsErrorDetails().errorCode());
        }
    }

    @Test
    void concurrentWritersOfOneKeyLeaveMatchingBytesAndMetadata() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "contended.bin";
        try (var s3 = S3TestSupport.asyncClient(c, false)) {
            List<java.util.concurrent.CompletableFuture<?>> puts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] body = random(100_000 + i);
                puts.add(s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key),
                        software.amazon.awssdk.core.async.AsyncRequestBody.fromBytes(body)));
            }
            java.util.concurrent.CompletableFuture.allOf(puts.toArray(new java.util.concurrent.CompletableFuture[0])).join();
        }
        try (S3Client s3 = S3TestSupport.client(c)) {
            // whichever writer came last, its bytes and its metadata
            var got = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key));
            assertEquals("\"" + md5(got.asByteArray()) + "\"", got.response().eTag());
            assertEquals(got.asByteArray().length, got.response().contentLength());
            assertArrayEquals(got.asByteArray(), Files.readAllBytes(S3TestSupport.onDisk(key)));
        }
    }

    @Test
    void aDownloadOverwrittenWhileItStreamsKeepsItsBytesAndItsETagAndRangesServeTheirBytes() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "overwritten-while-read.bin";
        byte[] before = random(24 << 20);
        byte[] after = random((24 << 20) + 1);
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(before));
            try (var download = s3.getObject(b -> b.bucket(S3TestSupport.BUCKET).key(key))) {
                byte[] start = download.readNBytes(1 << 20);
                // the body is on its way (sent from the open file); the key now gets other bytes
                s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(after));
                byte[] rest = download.readAllBytes();
                byte[] got = new byte[start.length + rest.length];
                System.arraycopy(start, 0, got, 0, start.length);
                System.arraycopy(rest, 0, got, start.length, rest.length);
                assertArrayEquals(before, got, "the download kept the bytes it started with");
                assertEquals("\"" + md5(before) + "\"", download.response().eTag());
            }
            var now = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key));
            assertEquals("\"" + md5(after) + "\"", now.response().eTag());
            assertArrayEquals(after, now.asByteArray());
            // a range in the middle and a suffix range come from the same file
            var middle = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key).range("bytes=1000-199999"));
            assertArrayEquals(java.util.Arrays.copyOfRange(after, 1000, 200_000), middle.asByteArray());
            var tail = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key).range("bytes=-5"));
            assertArrayEquals(java.util.Arrays.copyOfRange(after, after.length - 5, after.length), tail.asByteArray());
        }
    }

    @Test
    void anObjectWhoseFileIsGoneIsNoSuchKeyWithABodyOfItsOwnLength() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "file-removed-by-hand.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(random(300_000)));
            Files.delete(S3TestSupport.onDisk(key));
            long start = System.nanoTime();
            NoSuchKeyException gone = assertThrows(NoSuchKeyException.class,
                    () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)));
            assertEquals(404, gone.statusCode());
            // the error document came with its own length, not the object's (the client would wait for the rest)
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "answered at once");
        }
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static String md5(byte[] b) throws RuntimeException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
