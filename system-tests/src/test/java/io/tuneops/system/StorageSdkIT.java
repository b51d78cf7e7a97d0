package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AWS SDK for Java v2 (2.56.0, default checksum settings: CRC32 in a signed aws-chunked
 * trailer) with a submitted job's credentials, through the gateway: every operation a training job
 * uses, a 100 MiB multipart upload, and everything that must be refused (tampered bodies, a wrong
 * secret, another job's prefix, traversal keys, a truncated aws-chunked stream, a revoked
 * credential) with S3's error and nothing stored, as an administrator's listing and HEAD show.
 */
@ExtendWith(Suite.Extension.class)
class StorageSdkIT {

    private static final int MIB = 1024 * 1024;
    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    @Test
    void everyOperationAJobUsesWorksThroughTheGateway() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "sdk-operations");
        String p = job.prefix();
        byte[] sample = random(1, 300_000);
        try (S3Client s3 = job.sdk(); S3Presigner presigner = job.presigner()) {
            s3.putObject(b -> b.bucket(job.bucket()).key(p + "samples/step-100.png"), RequestBody.fromBytes(sample));
            var head = s3.headObject(b -> b.bucket(job.bucket()).key(p + "samples/step-100.png").checksumMode(ChecksumMode.ENABLED));
            assertEquals(sample.length, head.contentLength());
            assertNotNull(head.checksumCRC32(), "the SDK's default CRC32 is stored and returned");
            assertArrayEquals(sample, s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(p + "samples/step-100.png")).asByteArray());

            ResponseBytes<GetObjectResponse> range = s3.getObjectAsBytes(b -> b.bucket(job.bucket())
                    .key(p + "samples/step-100.png").range("bytes=1000-1999"));
            assertArrayEquals(Arrays.copyOfRange(sample, 1000, 2000), range.asByteArray());
            assertEquals("bytes 1000-1999/" + sample.length, range.response().contentRange());

            // presigned URLs carry the signature in the query: any HTTP client uses them
            HttpClient http = HttpClient.newHttpClient();
            byte[] presignedBody = random(2, 40_000);
            URI put = presigner.presignPutObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(r -> r.bucket(job.bucket()).key(p + "presigned/log.txt"))).url().toURI();
            HttpResponse<String> stored = http.send(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.ofByteArray(presignedBody))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stored.statusCode(), stored.body());
            URI get = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(r -> r.bucket(job.bucket()).key(p + "presigned/log.txt"))).url().toURI();
            HttpResponse<byte[]> read = http.send(HttpRequest.newBuilder(get).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, read.statusCode());
            assertArrayEquals(presignedBody, read.body());

            s3.copyObject(b -> b.sourceBucket(job.bucket()).sourceKey(p + "samples/step-100.png")
                    .destinationBucket(job.bucket()).destinationKey(p + "best/step-100.png"));
            assertArrayEquals(sample, s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(p + "best/step-100.png")).asByteArray());

            List<String> listed = List.of("list/a/1.txt", "list/a/2.txt", "list/b/1.txt", "list/c.txt", "list/d.txt");
            for (String key : listed) {
                s3.putObject(b -> b.bucket(job.bucket()).key(p + key), RequestBody.fromString(key));
            }
            ListObjectsV2Response folders = s3.listObjectsV2(b -> b.bucket(job.bucket()).prefix(p + "list/").delimiter("/"));
            assertEquals(List.of(p + "list/a/", p + "list/b/"), folders.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
            assertEquals(List.of(p + "list/c.txt", p + "list/d.txt"), folders.contents().stream().map(S3Object::key).toList());
            List<Integer> pageSizes = new ArrayList<>();
            List<String> paged = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(job.bucket()).prefix(p + "list/").maxKeys(2)).forEach(page -> {
                pageSizes.add(page.contents().size());
                page.contents().forEach(o -> paged.add(o.key().substring(p.length())));
            });
            assertEquals(List.of(2, 2, 1), pageSizes);
            assertEquals(listed, paged);
            // ListObjects (V1) pages by marker: the last key of the page before
            List<String> v1 = new ArrayList<>();
            String marker = "";
            for (boolean more = true; more; ) {
                String after = marker;
                var page = s3.listObjects(b -> b.bucket(job.bucket()).prefix(p + "list/").maxKeys(2).marker(after));
                page.contents().forEach(o -> v1.add(o.key().substring(p.length())));
                more = page.isTruncated();
                marker = page.contents().get(page.contents().size() - 1).key();
            }
            assertEquals(listed, v1);

            var deleted = s3.deleteObjects(b -> b.bucket(job.bucket()).delete(d -> d.objects(
                    listed.stream().map(k -> ObjectIdentifier.builder().key(p + k).build()).toList())));
            assertEquals(5, deleted.deleted().size(), deleted.toString());
            assertTrue(deleted.errors().isEmpty(), deleted.toString());
        }
        assertEquals(List.of(), job.storedKeys("list/"));
        assertEquals(List.of(p + "best/step-100.png", p + "presigned/log.txt", p + "samples/step-100.png"), job.storedKeys(""));
    }

    @Test
    void aHundredMegabyteMultipartUploadAndDownload() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "sdk-multipart");
        String key = job.prefix() + "checkpoint-1000/model.safetensors";
        Path upload = Files.createTempFile("checkpoint", ".safetensors");
        Path download = Files.createTempFile("checkpoint", ".download");
        try {
            StorageCliIT.writeRandom(upload, 100);
            Files.delete(download);
            try (var multipart = job.multipartSdk(); S3Client s3 = job.sdk()) {
                String etag = multipart.putObject(b -> b.bucket(job.bucket()).key(key), AsyncRequestBody.fromFile(upload)).join().eTag();
                // 8 MiB parts: 12 full ones and a 4 MiB tail
                assertTrue(etag.matches("\"[0-9a-f]{32}-13\""), "multipart ETag " + etag);
                s3.getObject(b -> b.bucket(job.bucket()).key(key), ResponseTransformer.toFile(download));
            }
            assertEquals(100L * MIB, Files.size(download));
            assertArrayEquals(sha256(upload), sha256(download));
            assertEquals(200, job.adminHead("checkpoint-1000/model.safetensors"));
        } finally {
            Files.deleteIfExists(upload);
            Files.deleteIfExists(download);
        }
    }

    @Test
    void whatMustBeRefusedIsRefusedWithS3sErrorAndNothingIsStored() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "sdk-refusals");
        StorageJob other = StorageJob.submit(suite.gateway(""), client, "sdk-refusals-other");
        String p = job.prefix();
        byte[] body = random(4, 100_000);

        try (S3Client wrong = job.sdk("not-the-secret-" + job.secret())) {
            S3Exception e = assertThrows(S3Exception.class,
                    () -> wrong.putObject(b -> b.bucket(job.bucket()).key(p + "wrong-secret.bin"), RequestBody.fromBytes(body)));
            assertS3Error(e, 403, "SignatureDoesNotMatch");
        }
        try (S3Client s3 = job.sdk()) {
            S3Exception elsewhere = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(job.bucket()).key(other.prefix() + "stolen.bin"), RequestBody.fromBytes(body)));
            assertS3Error(elsewhere, 403, "AccessDenied");
            S3Exception peek = assertThrows(S3Exception.class,
                    () -> s3.listObjectsV2(b -> b.bucket(job.bucket()).prefix(other.prefix())));
            assertS3Error(peek, 403, "AccessDenied");
        }
        assertEquals(List.of(), other.storedKeys(""));

        // tampered bodies: the signed SHA-256 no longer matches, or a chunk's signature does not
        Raw sha = Raw.sign(job, "PUT", "/" + job.bucket() + "/" + p + "tampered-sha.bin", body, false);
        Raw.Reply tampered = sha.send(suite, flipped(sha.body()));
        assertEquals(400, tampered.status(), tampered.text());
        assertTrue(tampered.text().contains("<Code>XAmzContentSHA256Mismatch</Code>"), tampered.text());
        Raw chunked = Raw.sign(job, "PUT", "/" + job.bucket() + "/" + p + "tampered-chunk.bin", body, true);
        Raw.Reply forged = chunked.send(suite, flipped(chunked.body()));
        assertEquals(403, forged.status(), forged.text());
        assertTrue(forged.text().contains("<Code>SignatureDoesNotMatch</Code>"), forged.text());

        // hostile keys never reach the filesystem, whichever way they are spelled
        Map<String, String> hostile = Map.of(
                p + "../escape.txt", "InvalidArgument",
                p + "%2E%2E/%2E%2E/escape.txt", "InvalidArgument",
                p + "a//b.txt", "InvalidArgument",
                p + "a%00b.txt", "InvalidArgument",
                p + ".tuneops-tmp/x", "InvalidArgument");
        hostile.forEach((key, code) -> {
            Raw.Reply r = Raw.sign(job, "PUT", "/" + job.bucket() + "/" + key, body, false).send(suite, null);
            assertEquals(400, r.status(), key + ": " + r.text());
            assertTrue(r.text().contains("<Code>" + code + "</Code>"), key + ": " + r.text());
        });
        Path outputs = outputDirectory();
        assertFalse(Files.exists(outputs.resolve("escape.txt")));
        assertFalse(Files.exists(outputs.resolve(p).resolve("escape.txt")));
        assertFalse(Files.exists(outputs.getParent().resolve("escape.txt")));

        // the client dies before the last chunk and the trailer: no answer is a 200, nothing is kept
        Raw truncated = Raw.sign(job, "PUT", "/" + job.bucket() + "/" + p + "truncated.bin", body, true);
        Raw.Reply cut = truncated.sendTruncated(suite, truncated.body().length - 200);
        assertFalse(cut.status() == 200, cut.text());

        assertEquals(List.of(), job.storedKeys(""));
        for (String key : List.of("wrong-secret.bin", "tampered-sha.bin", "tampered-chunk.bin", "truncated.bin", "a/b.txt")) {
            assertEquals(404, job.adminHead(key), key);
        }
        // the same credential still works: every refusal above was about the request, not the key
        try (S3Client s3 = job.sdk()) {
            s3.putObject(b -> b.bucket(job.bucket()).key(p + "after.bin"), RequestBody.fromBytes(body));
        }
        assertEquals(List.of(p + "after.bin"), job.storedKeys(""));
    }

    @Test
    void aFinishedJobsCredentialIsRefusedOnceTheGracePeriodIsOver() throws Exception {
        // a webhook-service of its own with a one-second grace period, behind a gateway of its own
        int webhookPort = LocalServers.freePort();
        int gatewayPort = LocalServers.freePort();
        ServiceProcess webhook = suite.process("webhook-service", webhookPort, Map.of("TUNEOPS_UPLOAD_GRACE_PERIOD", "1s"),
                List.of("-Xmx128m", "-XX:+UseSerialGC"), "webhook-short-grace").start();
        ServiceProcess gateway = suite.process("gateway-service", gatewayPort,
                Map.of("TUNEOPS_UPSTREAM_WEBHOOK", "http://127.0.0.1:" + webhookPort),
                List.of("-Xmx128m", "-XX:+UseSerialGC"), "gateway-short-grace").start();
        try {
            webhook.awaitReady(Suite.READY_TIMEOUT);
            gateway.awaitReady(Suite.READY_TIMEOUT);
            StorageJob job = StorageJob.submit(gateway.url(""), client, "sdk-revoked");
            String p = job.prefix();
            try (S3Client s3 = job.sdk()) {
                s3.putObject(b -> b.bucket(job.bucket()).key(p + "before.bin"), RequestBody.fromString("kept"));
                job.finish("succeeded");
                // the grace period runs out: first expires_at passes (403 AccessDenied, "expired"), then
                // the credential's TTL drops it from Redis (403 InvalidAccessKeyId)
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (true) {
                    try {
                        s3.listObjectsV2(b -> b.bucket(job.bucket()).prefix(p));
                    } catch (S3Exception e) {
                        assertEquals(403, e.statusCode(), e.toString());
                        if (e.awsErrorDetails().errorCode().equals("InvalidAccessKeyId")) {
                            break;
                        }
                        assertS3Error(e, 403, "AccessDenied");
                    }
                    assertTrue(System.nanoTime() < deadline, "the credential is still in Redis 30 s after a 1 s grace period");
                    ServiceProcess.pause(Duration.ofMillis(200));
                }
                S3Exception put = assertThrows(S3Exception.class,
                        () -> s3.putObject(b -> b.bucket(job.bucket()).key(p + "after.bin"), RequestBody.fromString("late")));
                assertS3Error(put, 403, "InvalidAccessKeyId");
                S3Exception list = assertThrows(S3Exception.class, () -> s3.listObjectsV2(b -> b.bucket(job.bucket()).prefix(p)));
                assertS3Error(list, 403, "InvalidAccessKeyId");
            }
            // what was uploaded in time stays, the late upload is not there
            assertEquals(List.of(p + "before.bin"), job.storedKeys(""));
        } finally {
            gateway.stop();
            webhook.stop();
        }
    }

    private static void assertS3Error(S3Exception e, int status, String code) {
        assertEquals(status, e.statusCode(), e.toString());
        assertEquals(code, e.awsErrorDetails().errorCode(), e.toString());
    }

    /** Where storage-service keeps objects in the suite (its TUNEOPS_STORAGE_OUTPUT_PATH or the default). */
    private Path outputDirectory() {
        String configured = suite.environment("storage-service").get("TUNEOPS_STORAGE_OUTPUT_PATH");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".simpletuner", "outputs");
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] flipped(byte[] body) {
        byte[] copy = body.clone();
        copy[copy.length / 2] ^= 1;
        return copy;
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[MIB];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    /**
     * A request signed by the SDK's own SigV4 signer and written to a socket as it is, for what an S3
     * client never sends: hostile keys as typed, altered bytes, a body cut short.
     */
    record Raw(SdkHttpRequest request, byte[] body) {

        record Reply(int status, String text) {
        }

        /** {@code rawPath} is below /api/cloud/storage, percent-encoded as it goes on the wire. */
        static Raw sign(StorageJob job, String method, String rawPath, byte[] body, boolean chunked) {
            SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                    // signed as for https: over http the SDK's signer would sign the payload whatever is asked
                    .uri(URI.create(job.endpoint().toString().replaceFirst("^http:", "https:") + rawPath));
            if (chunked) {
                request.putHeader("Content-Encoding", "aws-chunked");
            } else {
                request.putHeader("Content-Length", Integer.toString(body.length));
            }
            var signed = AwsV4HttpSigner.create().sign(r -> {
                r.identity(AwsCredentialsIdentity.create(job.accessKeyId(), job.secret()))
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, chunked);
                if (chunked) {
                    // the SDK's default: signed chunks with a CRC32 trailer
                    r.putProperty(AwsV4HttpSigner.CHECKSUM_ALGORITHM, software.amazon.awssdk.checksums.DefaultChecksumAlgorithm.CRC32);
                }
            });
            byte[] payload = signed.payload().map(Raw::read).orElse(body);
            return new Raw(signed.request(), payload);
        }

        Reply send(Suite suite, byte[] replacement) {
            byte[] bytes = replacement == null ? body : replacement;
            return exchange(suite, bytes, bytes.length, true);
        }

        /** Sends the head and the first {@code length} bytes, then ends the connection's output. */
        Reply sendTruncated(Suite suite, int length) {
            return exchange(suite, body, length, false);
        }

        private Reply exchange(Suite suite, byte[] bytes, int length, boolean complete) {
            URI gateway = URI.create(suite.gateway(""));
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                socket.setSoTimeout(30_000);
                StringBuilder head = new StringBuilder(request.method().name()).append(' ').append(request.encodedPath())
                        .append(request.encodedQueryParameters().map(q -> "?" + q).orElse("")).append(" HTTP/1.1\r\n");
                request.headers().forEach((name, values) -> values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n")));
                head.append("Connection: close\r\n\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                try {
                    out.write(bytes, 0, length);
                    out.flush();
                    if (!complete) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the server may answer and close before it read the whole body
                }
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                try {
                    socket.getInputStream().transferTo(answer);
                } catch (IOException e) {
                    // reset after the answer, or no answer at all
                }
                String text = answer.toString(StandardCharsets.ISO_8859_1);
                int status = text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
                return new Reply(status, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static byte[] read(ContentStreamProvider provider) {
            try (InputStream in = provider.newStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
