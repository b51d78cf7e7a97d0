package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stored headers come back byte for byte, and user metadata with non-ASCII bytes signs and
 * round-trips as S3 does. The non-ASCII requests are written to a socket byte by byte: no
 * Java HTTP client sends UTF-8 header bytes, and the AWS SDK for Java cannot express them.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class StoredHeadersTest {

    private static final String B = S3TestSupport.BUCKET;

    @Inject
    RedisDataSource redis;

    @Test
    void representationHeadersAndMetadataComeBackAsSent() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "headers/page.html";
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(B).key(key).contentType("text/html; charset=utf-8").contentEncoding("deflate, gzip")
                    .contentDisposition("attachment;  filename=\"page 1.html\"").cacheControl("no-cache, max-age=0")
                    .contentLanguage("en-GB, de").expires(java.time.Instant.parse("2094-12-01T16:00:00Z"))
                    .metadata(Map.of("list", "a, b,c")), RequestBody.fromString("<p>hi</p>"));
            GetObjectResponse got = s3.getObjectAsBytes(b -> b.bucket(B).key(key)).response();
            assertEquals("deflate, gzip", got.contentEncoding());
            assertEquals("attachment;  filename=\"page 1.html\"", got.contentDisposition());
            assertEquals("no-cache, max-age=0", got.cacheControl());
            assertEquals("en-GB, de", got.contentLanguage());
            assertEquals("a, b,c", got.metadata().get("list"));
            assertEquals("text/html; charset=utf-8", got.contentType());
        }
        Raw head = send(c, "HEAD", key, new LinkedHashMap<>(), null, false);
        assertEquals(200, head.status());
        assertEquals("deflate, gzip", head.header("content-encoding"));
        assertEquals("Wed, 01 Dec 2094 16:00:00 GMT", head.header("expires"));
    }

    @Test
    void utf8MetadataSignsOverItsBytesAndReturnsAsAnRfc2047EncodedWord() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "metadata/utf8.txt";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-meta-title", "café ☕ naïve");
        headers.put("Content-Disposition", "attachment; filename=\"résumé.txt\"");
        Raw put = send(c, "PUT", key, headers, "hello".getBytes(StandardCharsets.UTF_8), false);
        assertEquals(200, put.status(), put.body());

        Raw get = send(c, "GET", key, new LinkedHashMap<>(), null, false);
        assertEquals(200, get.status());
        assertEquals("=?UTF-8?Q?caf=C3=A9_=E2=98=95_na=C3=AFve?=", get.header("x-amz-meta-title"));
        assertEquals("attachment; filename=\"résumé.txt\"", get.header("content-disposition"), "as sent, byte for byte");
        try (S3Client s3 = S3TestSupport.client(c)) {
            assertEquals("=?UTF-8?Q?caf=C3=A9_=E2=98=95_na=C3=AFve?=",
                    s3.headObject(b -> b.bucket(B).key(key)).metadata().get("title"));
        }
    }

    @Test
    void latin1MetadataSignedAsUtf8IsAcceptedToo() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "metadata/latin1.txt";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-meta-city", "Zürich");
        // one ISO-8859-1 byte per character on the wire, the UTF-8 of the text signed (Apache HttpClient's way)
        Raw put = send(c, "PUT", key, headers, "hi".getBytes(StandardCharsets.UTF_8), true);
        assertEquals(200, put.status(), put.body());
        assertEquals("=?UTF-8?Q?Z=C3=BCrich?=", send(c, "HEAD", key, new LinkedHashMap<>(), null, false).header("x-amz-meta-city"));

        headers.put("x-amz-meta-city", "Zürich!");
        Raw tampered = sendTampered(c, key, headers);
        assertEquals(403, tampered.status(), "a changed byte still fails the signature");
    }

    /** A status, headers (lower-case names, values as the bytes' UTF-8 text) and body. */
    record Raw(int status, Map<String, String> headers, byte[] bytes) {
        String header(String name) {
            return headers.get(name);
        }

        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static Raw send(Credential c, String method, String key, Map<String, String> headers, byte[] body, boolean latin1OnTheWire) {
        SdkHttpRequest signed = sign(c, method, key, headers, body);
        return exchange(signed, body, latin1OnTheWire ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8, Map.of());
    }

    /** Signed with {@code headers}, sent with the last header's value changed. */
    private static Raw sendTampered(Credential c, String key, Map<String, String> headers) {
        Map<String, String> signedWith = new LinkedHashMap<>(headers);
        signedWith.replaceAll((name, value) -> value.endsWith("!") ? value.substring(0, value.length() - 1) : value);
        SdkHttpRequest signed = sign(c, "PUT", key, signedWith, new byte[0]);
        return exchange(signed, new byte[0], StandardCharsets.UTF_8, headers);
    }

    /** Signed by the AWS SDK's own signer, over the UTF-8 of the header values. */
    private static SdkHttpRequest sign(Credential c, String method, String key, Map<String, String> headers, byte[] body) {
        return RawS3.sign(c, method, "/" + B + "/" + key, headers, body, RawS3.Mode.SHA256).request();
    }

    /** Writes the request to a socket, header values in {@code charset}, with {@code overrides} replacing values after signing. */
    private static Raw exchange(SdkHttpRequest request, byte[] body, java.nio.charset.Charset charset, Map<String, String> overrides) {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes((request.method().name() + " " + request.encodedPath() + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
            Map<String, List<String>> all = new LinkedHashMap<>(request.headers());
            overrides.forEach((name, value) -> all.put(name, List.of(value)));
            all.forEach((name, values) -> values.forEach(v -> head.writeBytes((name + ": " + v + "\r\n").getBytes(charset))));
            head.writeBytes("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            out.write(head.toByteArray());
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return parse(socket.getInputStream().readAllBytes(), request.method() == SdkHttpMethod.HEAD);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Raw parse(byte[] response, boolean head) {
        int end = 0;
        while (end + 3 < response.length && !(response[end] == '\r' && response[end + 1] == '\n' && response[end + 2] == '\r'
                && response[end + 3] == '\n')) {
            end++;
        }
        String[] lines = new String(response, 0, end, StandardCharsets.UTF_8).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.put(name, lines[i].substring(colon + 1).trim());
        }
        byte[] rest = head ? new byte[0] : java.util.Arrays.copyOfRange(response, Math.min(end + 4, response.length), response.length);
        return new Raw(status, headers, rest);
    }
}
