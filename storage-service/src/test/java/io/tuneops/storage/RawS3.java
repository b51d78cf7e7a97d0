package io.tuneops.storage;

import io.tuneops.storage.S3TestSupport.Credential;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;

/**
 * Requests signed by the AWS SDK's own SigV4 signer (an independent implementation) and sent
 * as they are, for what the S3 client would never send: hostile keys, tampered bodies, and the
 * payload modes a client picks over HTTPS (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
 */
final class RawS3 {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "expect", "connection");

    /** How the body is signed. */
    enum Mode { SHA256, UNSIGNED, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER }

    record Signed(SdkHttpRequest request, byte[] body) {
    }

    private RawS3() {
    }

    /** Signs {@code method rawPath} (already percent-encoded, sent unchanged) with {@code body}. */
    static Signed sign(Credential c, String method, String rawPath, Map<String, String> headers, byte[] body, Mode mode) {
        // signed as if for https: over http the SDK's signer always signs the payload, whatever was asked
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(S3TestSupport.endpoint().toString().replaceFirst("^http:", "https:") + rawPath));
        headers.forEach(request::putHeader);
        if (body != null) {
            request.putHeader("Content-Length", Integer.toString(body.length));
        }
        boolean chunked = mode.name().startsWith("STREAMING");
        if (chunked) {
            request.putHeader("Content-Encoding", "aws-chunked");
        }
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsCredentialsIdentity.create(c.accessKeyId(), c.secret()))
                    .request(request.build())
                    .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "ap-southeast-2")
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, mode == Mode.SHA256 || mode == Mode.STREAMING_SIGNED
                            || mode == Mode.STREAMING_SIGNED_TRAILER)
                    .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, chunked);
            if (mode == Mode.STREAMING_SIGNED_TRAILER || mode == Mode.STREAMING_UNSIGNED_TRAILER) {
                r.putProperty(AwsV4HttpSigner.CHECKSUM_ALGORITHM, software.amazon.awssdk.checksums.DefaultChecksumAlgorithm.CRC32);
            }
        });
        byte[] payload = signed.payload().map(RawS3::read).orElse(body);
        String expected = switch (mode) {
            case SHA256 -> "[0-9a-f]{64}";
            case UNSIGNED -> "UNSIGNED-PAYLOAD";
            case STREAMING_SIGNED -> "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
            case STREAMING_SIGNED_TRAILER -> "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
            case STREAMING_UNSIGNED_TRAILER -> "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
        };
        String sent = signed.request().firstMatchingHeader("x-amz-content-sha256").orElse("");
        if (!sent.matches(expected)) {
            throw new IllegalStateException("signed with " + sent + ", wanted " + mode);
        }
        SdkHttpRequest overHttp = signed.request().toBuilder().protocol("http").build();
        return new Signed(overHttp, payload);
    }

    static HttpResponse<byte[]> send(Signed s) {
        return send(s.request(), s.body());
    }

    static HttpResponse<byte[]> send(SdkHttpRequest request, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.getUri())
                .method(request.method().name(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        request.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                values.forEach(v -> b.header(name, v));
            }
        });
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] read(ContentStreamProvider p) {
        try (InputStream in = p.newStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
