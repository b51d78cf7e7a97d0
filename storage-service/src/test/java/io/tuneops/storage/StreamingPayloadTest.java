package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.RawS3.Mode;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every payload mode a client may choose, and presigned URLs. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class StreamingPayloadTest {

    static final Path OUTPUT = Path.of("target/test-outputs");

    @Inject
    RedisDataSource redis;

    @Test
    void theSdkDefaultsAndChecksumsWhenRequiredUseTheSignedStreamingModes() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        List<String> modes = new ArrayList<>();
        ExecutionInterceptor spy = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest) {
                    modes.add(context.httpRequest().firstMatchingHeader("x-amz-content-sha256").orElse("none"));
                }
            }
        };
        byte[] body = SdkObjectsTest.random(200_000);
        for (RequestChecksumCalculation calculation : RequestChecksumCalculation.values()) {
            try (S3Client s3 = S3Client.builder().endpointOverride(S3TestSupport.endpoint()).region(Region.AP_SOUTHEAST_2)
                    .forcePathStyle(true).credentialsProvider(S3TestSupport.provider(c)).requestChecksumCalculation(calculation)
                    .overrideConfiguration(o -> o.addExecutionInterceptor(spy)).build()) {
                String key = c.prefix() + "modes/" + calculation;
                s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(body));
                assertArrayEquals(body, Files.readAllBytes(S3TestSupport.onDisk(key)));
            }
        }
        assertEquals(List.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), modes);
    }

    @Test
    void unsignedTrailerSignedChunksAndUnsignedPayloadsAreStored() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        byte[] body = SdkObjectsTest.random(150_000);
        for (Mode mode : Mode.values()) {
            String key = c.prefix() + "raw/" + mode;
            RawS3.Signed signed = RawS3.sign(c, "PUT", "/" + S3TestSupport.BUCKET + "/" + key, Map.of(), body, mode);
            HttpResponse<byte[]> r = RawS3.send(signed);
            assertEquals(200, r.statusCode(), mode + ": " + RawS3.body(r));
            assertArrayEquals(body, Files.readAllBytes(S3TestSupport.onDisk(key)), mode.name());
            if (mode == Mode.STREAMING_UNSIGNED_TRAILER || mode == Mode.STREAMING_SIGNED_TRAILER) {
                assertTrue(r.headers().firstValue("x-amz-checksum-crc32").isPresent(), mode.name());
            }
        }
    }

    @Test
    void tamperedChunksWrongTrailersAndTruncatedStreamsAreRefusedAndNothingIsStored() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        byte[] body = SdkObjectsTest.random(100_000);
        String path = "/" + S3TestSupport.BUCKET + "/" + c.prefix();

        RawS3.Signed signed = RawS3.sign(c, "PUT", path + "tampered", Map.of(), body, Mode.STREAMING_SIGNED);
        byte[] tampered = signed.body().clone();
        tampered[tampered.length / 2] ^= 1;
        HttpResponse<byte[]> r = RawS3.send(signed.request(), tampered);
        assertEquals(403, r.statusCode(), RawS3.body(r));
        assertTrue(RawS3.body(r).contains("<Code>SignatureDoesNotMatch</Code>"));

        RawS3.Signed trailer = RawS3.sign(c, "PUT", path + "wrong-crc", Map.of(), body, Mode.STREAMING_UNSIGNED_TRAILER);
        String text = new String(trailer.body(), StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x-amz-checksum-crc32:") + "x-amz-checksum-crc32:".length();
        String wrong = text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1);
        r = RawS3.send(trailer.request(), wrong.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, r.statusCode(), RawS3.body(r));
        assertTrue(RawS3.body(r).contains("<Code>BadDigest</Code>"), RawS3.body(r));

        // the client dies mid-body: the connection ends before the final chunk
        RawS3.Signed whole = RawS3.sign(c, "PUT", path + "truncated", Map.of(), body, Mode.STREAMING_SIGNED_TRAILER);
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder("PUT " + whole.request().encodedPath() + " HTTP/1.1\r\n");
            whole.request().headers().forEach((name, values) -> values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n")));
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(whole.body(), 0, whole.body().length - 200);
            out.flush();
            socket.shutdownOutput();
            byte[] answer = socket.getInputStream().readAllBytes(); // until the server closes
            assertFalse(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
        }

        for (String key : List.of("tampered", "wrong-crc", "truncated")) {
            assertFalse(Files.exists(S3TestSupport.onDisk(c.prefix() + key)), key);
            assertEquals(404, RawS3.send(RawS3.sign(c, "HEAD", path + key, Map.of(), null, Mode.SHA256)).statusCode());
        }
    }

    @Test
    void presignedGetAndPutWork() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "presigned/sample 1.png";
        byte[] body = SdkObjectsTest.random(40_000);
        HttpClient http = HttpClient.newHttpClient();
        try (var presigner = S3TestSupport.presigner(c)) {
            URI put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(b -> b.bucket(S3TestSupport.BUCKET).key(key))).url().toURI();
            HttpResponse<String> stored = http.send(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stored.statusCode(), stored.body());

            URI get = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(b -> b.bucket(S3TestSupport.BUCKET).key(key))).url().toURI();
            HttpResponse<byte[]> read = http.send(HttpRequest.newBuilder(get).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, read.statusCode());
            assertArrayEquals(body, read.body());

            URI tampered = URI.create(get.toString().replace("presigned", "presigneD"));
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode());
            assertTrue(refused.body().contains("<Code>SignatureDoesNotMatch</Code>"), refused.body());
        }
    }
}
