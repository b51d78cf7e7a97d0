package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.RawS3.Mode;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.storage.s3.SigV4;
import io.tuneops.support.SharedNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may do what, and what is refused: each refusal with S3's error code and nothing stored. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class S3SecurityTest {

    static final Path OUTPUT = Path.of("target/test-outputs");

    @Inject
    RedisDataSource redis;

    @Test
    void wrongSecretIsSignatureDoesNotMatch() {
        Credential c = S3TestSupport.issue(redis);
        Credential forged = new Credential(c.accessKeyId(), c.secret() + "x", c.jobId(), c.prefix());
        try (S3Client s3 = S3TestSupport.client(forged)) {
            S3Exception e = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET)
                    .key(c.prefix() + "forged.bin"), RequestBody.fromString("x")));
            assertEquals(403, e.statusCode());
            assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
            assertTrue(e.requestId().matches("[0-9A-F]{16}"), e.requestId());
        }
        assertFalse(Files.exists(S3TestSupport.onDisk(c.prefix() + "forged.bin")));
    }

    @Test
    void anotherJobsPrefixIsAccessDenied() {
        Credential mine = S3TestSupport.issue(redis);
        Credential theirs = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(theirs)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(theirs.prefix() + "secret.txt"), RequestBody.fromString("theirs"));
        }
        try (S3Client s3 = S3TestSupport.client(mine)) {
            for (Runnable attempt : List.<Runnable>of(
                    () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(theirs.prefix() + "x"), RequestBody.fromString("x")),
                    () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(theirs.prefix() + "secret.txt")),
                    () -> s3.deleteObject(b -> b.bucket(S3TestSupport.BUCKET).key(theirs.prefix() + "secret.txt")),
                    () -> s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(theirs.prefix())),
                    () -> s3.putObject(b -> b.bucket("another-bucket").key(mine.prefix() + "x"), RequestBody.fromString("x")),
                    () -> s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(theirs.prefix() + "big")))) {
                S3Exception e = assertThrows(S3Exception.class, attempt::run);
                assertEquals(403, e.statusCode());
                assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            }
        }
        assertFalse(Files.exists(S3TestSupport.onDisk(theirs.prefix() + "x")));
        assertTrue(Files.exists(S3TestSupport.onDisk(theirs.prefix() + "secret.txt")));
    }

    @Test
    void revokedAndExpiredCredentialsAreRefused() {
        Credential revoked = S3TestSupport.issue(redis);
        redis.key(String.class).del(SharedNames.UPLOAD_CREDENTIALS_PREFIX + revoked.accessKeyId());
        try (S3Client s3 = S3TestSupport.client(revoked)) {
            S3Exception e = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET)
                    .key(revoked.prefix() + "late.bin"), RequestBody.fromString("x")));
            assertEquals(403, e.statusCode());
            assertEquals("InvalidAccessKeyId", e.awsErrorDetails().errorCode());
        }
        // Redis still holds it (clock skew between writer and TTL), but expires_at has passed
        Credential expired = new Credential("TUNEEXPIRED" + System.nanoTime() % 100000, "s3cr3t", "job-expired", "job-expired/");
        S3TestSupport.publish(redis, expired.accessKeyId(), expired.secret(), expired.jobId(),
                OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1), 60);
        try (S3Client s3 = S3TestSupport.client(expired)) {
            S3Exception e = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET)
                    .key(expired.prefix() + "late.bin"), RequestBody.fromString("x")));
            assertEquals(403, e.statusCode());
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
        }
        assertFalse(Files.exists(S3TestSupport.onDisk(revoked.prefix() + "late.bin")));
        assertFalse(Files.exists(S3TestSupport.onDisk(expired.prefix() + "late.bin")));
    }

    @Test
    void aBodyNotMatchingItsSignedSha256IsNeverStored() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String path = "/" + S3TestSupport.BUCKET + "/" + c.prefix() + "tampered.bin";
        RawS3.Signed signed = RawS3.sign(c, "PUT", path, Map.of(), "the signed body".getBytes(StandardCharsets.UTF_8), Mode.SHA256);
        assertTrue(signed.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow().matches("[0-9a-f]{64}"));
        HttpResponse<byte[]> r = RawS3.send(signed.request(), "the other body!".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode(), RawS3.body(r));
        assertTrue(RawS3.body(r).contains("<Code>XAmzContentSHA256Mismatch</Code>"), RawS3.body(r));
        assertFalse(Files.exists(S3TestSupport.onDisk(c.prefix() + "tampered.bin")));
        assertEquals(404, RawS3.send(RawS3.sign(c, "HEAD", path, Map.of(), null, Mode.SHA256)).statusCode());
        assertNoTemporaryFilesLeft();

        HttpResponse<byte[]> good = RawS3.send(signed);
        assertEquals(200, good.statusCode(), RawS3.body(good));
        assertEquals("the signed body", Files.readString(S3TestSupport.onDisk(c.prefix() + "tampered.bin")));
    }

    @Test
    void aLargeBodyNotMatchingItsSignedSha256IsNeverStored() throws Exception {
        // over the in-memory size: streamed to a temporary file, checked once the body has ended
        Credential c = S3TestSupport.issue(redis);
        String path = "/" + S3TestSupport.BUCKET + "/" + c.prefix() + "tampered-large.bin";
        byte[] body = SdkObjectsTest.random(3 * 1024 * 1024 + 5);
        RawS3.Signed signed = RawS3.sign(c, "PUT", path, Map.of(), body, Mode.SHA256);
        byte[] tampered = body.clone();
        tampered[tampered.length - 2] ^= 1;
        HttpResponse<byte[]> r = RawS3.send(signed.request(), tampered);
        assertEquals(400, r.statusCode(), RawS3.body(r));
        assertTrue(RawS3.body(r).contains("<Code>XAmzContentSHA256Mismatch</Code>"), RawS3.body(r));
        assertFalse(Files.exists(S3TestSupport.onDisk(c.prefix() + "tampered-large.bin")));
        assertNoTemporaryFilesLeft();

        HttpResponse<byte[]> good = RawS3.send(signed);
        assertEquals(200, good.statusCode(), RawS3.body(good));
        assertEquals("\"" + SigV4.hex(MessageDigest.getInstance("MD5").digest(body)) + "\"",
                good.headers().firstValue("ETag").orElseThrow());
        assertArrayEquals(body, Files.readAllBytes(S3TestSupport.onDisk(c.prefix() + "tampered-large.bin")));
    }

    @Test
    void traversalAndHostileKeysAreRejected() {
        Credential c = S3TestSupport.issue(redis);
        String base = "/" + S3TestSupport.BUCKET + "/" + c.prefix();
        Map<String, String> expected = Map.of(
                base + "../escape.txt", "InvalidArgument",
                base + "%2E%2E/%2E%2E/escape.txt", "InvalidArgument",
                base + "a%00b", "InvalidArgument",
                base + "a//b", "InvalidArgument",
                base + ".tuneops-tmp/x", "InvalidArgument",
                base + "x".repeat(1100), "KeyTooLongError");
        expected.forEach((path, code) -> {
            HttpResponse<byte[]> r = RawS3.send(RawS3.sign(c, "PUT", path, Map.of(), "evil".getBytes(StandardCharsets.UTF_8), Mode.SHA256));
            assertEquals(400, r.statusCode(), path + ": " + RawS3.body(r));
            assertTrue(RawS3.body(r).contains("<Code>" + code + "</Code>"), path + ": " + RawS3.body(r));
        });
        HttpResponse<byte[]> absolute = RawS3.send(RawS3.sign(c, "PUT", "/" + S3TestSupport.BUCKET + "//etc/passwd", Map.of(),
                "evil".getBytes(StandardCharsets.UTF_8), Mode.SHA256));
        assertEquals(400, absolute.statusCode(), RawS3.body(absolute));
        assertFalse(Files.exists(OUTPUT.resolve("escape.txt")));
        assertFalse(Files.exists(OUTPUT.getParent().resolve("escape.txt")));
    }

    @Test
    void expectContinueIsAnsweredOnlyAfterTheSignatureChecks() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String path = "/" + S3TestSupport.BUCKET + "/" + c.prefix() + "continue.bin";
        byte[] body = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        RawS3.Signed signed = RawS3.sign(c, "PUT", path, Map.of(), body, Mode.UNSIGNED);
        String auth = signed.request().firstMatchingHeader("Authorization").orElseThrow();
        String forged = auth.substring(0, auth.length() - 4) + (auth.endsWith("0000") ? "1111" : "0000");
        try (Socket socket = open(signed, forged)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            assertEquals("HTTP/1.1 403 Forbidden", in.readLine(), "refused before the body, without 100 Continue");
        }
        try (Socket socket = open(signed, auth)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            assertEquals("HTTP/1.1 100 Continue", in.readLine());
            assertEquals("", in.readLine());
            OutputStream out = socket.getOutputStream();
            out.write(body);
            out.flush();
            assertEquals("HTTP/1.1 200 OK", in.readLine());
        }
        assertTrue(Files.exists(S3TestSupport.onDisk(c.prefix() + "continue.bin")));
    }

    @Test
    void administratorsReadEveryJobThroughTheGateway() {
        Credential a = S3TestSupport.issue(redis);
        Credential b = S3TestSupport.issue(redis);
        for (Credential c : List.of(a, b)) {
            try (S3Client s3 = S3TestSupport.client(c)) {
                s3.putObject(r -> r.bucket(S3TestSupport.BUCKET).key(c.prefix() + "out/result.txt"), RequestBody.fromString(c.jobId()));
            }
        }
        for (String scope : List.of("admin", "viewer")) {
            RestAssured.given().header("X-Tuneops-Gateway-Secret", S3TestSupport.GATEWAY_SECRET)
                    .header("X-Tuneops-Actor", "key-1").header("X-Tuneops-Scopes", scope)
                    .get("/api/cloud/storage/outputs?list-type=2&delimiter=/")
                    .then().statusCode(200)
                    .body("ListBucketResult.CommonPrefixes.Prefix", hasItems(a.prefix(), b.prefix()));
            RestAssured.given().header("X-Tuneops-Gateway-Secret", S3TestSupport.GATEWAY_SECRET)
                    .header("X-Tuneops-Actor", "key-1").header("X-Tuneops-Scopes", scope)
                    .get("/api/cloud/storage/outputs/" + b.prefix() + "out/result.txt")
                    .then().statusCode(200).body(equalTo(b.jobId()));
            RestAssured.given().header("X-Tuneops-Gateway-Secret", S3TestSupport.GATEWAY_SECRET)
                    .header("X-Tuneops-Actor", "key-1").header("X-Tuneops-Scopes", scope)
                    .get("/api/cloud/storage").then().statusCode(200)
                    .body("ListAllMyBucketsResult.Buckets.Bucket.Name", equalTo("outputs"));
        }
        // reading only, and only when the gateway vouches for the identity
        RestAssured.given().header("X-Tuneops-Gateway-Secret", S3TestSupport.GATEWAY_SECRET)
                .header("X-Tuneops-Actor", "key-1").header("X-Tuneops-Scopes", "admin").body("x")
                .put("/api/cloud/storage/outputs/" + a.prefix() + "admin-wrote.txt")
                .then().statusCode(403).body("Error.Code", equalTo("AccessDenied"));
        RestAssured.given().header("X-Tuneops-Gateway-Secret", "not-the-secret")
                .header("X-Tuneops-Actor", "key-1").header("X-Tuneops-Scopes", "admin")
                .get("/api/cloud/storage/outputs/" + b.prefix() + "out/result.txt")
                .then().statusCode(403).body("Error.Code", equalTo("AccessDenied"));
        RestAssured.given().header("X-Tuneops-Gateway-Secret", S3TestSupport.GATEWAY_SECRET)
                .header("X-Tuneops-Actor", "anonymous")
                .get("/api/cloud/storage/outputs").then().statusCode(403);
    }

    @Test
    void unknownOperationsAreNotImplemented() {
        Credential c = S3TestSupport.issue(redis);
        HttpResponse<byte[]> r = RawS3.send(RawS3.sign(c, "GET", "/" + S3TestSupport.BUCKET + "/" + c.prefix() + "x?acl=", Map.of(),
                null, Mode.SHA256));
        assertEquals(501, r.statusCode(), RawS3.body(r));
        assertTrue(RawS3.body(r).contains("<Code>NotImplemented</Code>"));
        HttpResponse<byte[]> missing = RawS3.send(RawS3.sign(c, "GET", "/" + S3TestSupport.BUCKET + "/" + c.prefix() + "nothing",
                Map.of(), null, Mode.SHA256));
        assertEquals(404, missing.statusCode());
        assertTrue(RawS3.body(missing).contains("<Code>NoSuchKey</Code>"));
        assertTrue(missing.headers().firstValue("x-amz-request-id").orElseThrow().matches("[0-9A-F]{16}"));
    }

    private static Socket open(RawS3.Signed signed, String authorization) throws Exception {
        Socket socket = new Socket("localhost", RestAssured.port);
        socket.setSoTimeout(10_000);
        StringBuilder head = new StringBuilder("PUT " + signed.request().encodedPath() + " HTTP/1.1\r\n");
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Authorization")) {
                values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
            }
        });
        head.append("Authorization: ").append(authorization).append("\r\nExpect: 100-continue\r\n\r\n");
        socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** After the deletes' background removals of the files they moved aside (S3TestSupport.awaitFileRemovals). */
    static void assertNoTemporaryFilesLeft() throws Exception {
        S3TestSupport.awaitFileRemovals();
        try (Stream<Path> files = Files.list(OUTPUT.resolve(".tuneops-tmp"))) {
            assertEquals(List.of(), files.toList());
        }
    }
}
