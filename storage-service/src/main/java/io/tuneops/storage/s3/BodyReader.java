package io.tuneops.storage.s3;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Streams a request body into a sink while computing what must be checked: MD5 (the ETag and
 * Content-MD5), the payload SHA-256 when the client signed one, the flexible checksum from a
 * header or a trailer, aws-chunked decoding with chunk signatures, and the size limit. Only the
 * buffers in flight are in memory; back-pressure pauses the request while the sink is behind.
 * The returned future fails with an {@link S3Exception} on any mismatch: the caller then discards
 * whatever the sink received.
 */
public final class BodyReader {

    /** What the body must match, from the (already verified) request headers. */
    public record Expectations(SignedRequest.Verified auth, String contentMd5, Checksums.Algorithm checksumAlgorithm,
                               String checksumValue, boolean checksumInTrailer, long maxSize, Long decodedLength) {

        /**
         * Reads x-amz-checksum-*, x-amz-trailer, Content-MD5 and the size headers; an
         * x-amz-sdk-checksum-algorithm without a checksum header or trailer is refused, as S3 does.
         */
        public static Expectations of(SignedRequest.Verified auth, MultiMap headers, long maxSize,
                                      Checksums.Algorithm required, boolean checksumHeadersDescribeBody) {
            Checksums.Algorithm algorithm = null;
            String value = null;
            for (Map.Entry<String, String> h : checksumHeadersDescribeBody ? headers : MultiMap.caseInsensitiveMultiMap()) {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (name.startsWith("x-amz-checksum-") && !name.equals("x-amz-checksum-algorithm")
                        && !name.equals("x-amz-checksum-type") && !name.equals("x-amz-checksum-mode")) {
                    Checksums.Algorithm a = Checksums.Algorithm.parse(name)
                            .orElseThrow(() -> S3Exception.invalidRequest("Unknown checksum header " + name));
                    if (algorithm != null && algorithm != a) {
                        throw S3Exception.invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
                    }
                    algorithm = a;
                    value = h.getValue().trim();
                }
            }
            boolean trailer = false;
            String trailerHeader = headers.get("x-amz-trailer");
            if (trailerHeader != null && !trailerHeader.isBlank()) {
                for (String t : trailerHeader.split(",")) {
                    Checksums.Algorithm a = Checksums.Algorithm.parse(t.trim())
                            .orElseThrow(() -> S3Exception.invalidRequest("Unsupported x-amz-trailer " + t.trim()));
                    if (algorithm != null && algorithm != a) {
                        throw S3Exception.invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
                    }
                    algorithm = a;
                    trailer = true;
                }
            }
            if (algorithm == null && checksumHeadersDescribeBody && headers.contains("x-amz-sdk-checksum-algorithm")) {
                // the SDKs send it beside the checksum they computed; alone it promises one that never comes
                throw S3Exception.invalidRequest("x-amz-sdk-checksum-algorithm specified, but no corresponding "
                        + "x-amz-checksum-* or x-amz-trailer headers were found.");
            }
            if (algorithm == null) {
                algorithm = required;
            } else if (required != null && algorithm != required) {
                throw S3Exception.invalidRequest("Checksum Type mismatch occurred, expected checksum Type: "
                        + required.name().toLowerCase(Locale.ROOT) + ", actual checksum Type: " + algorithm.name().toLowerCase(Locale.ROOT));
            }
            boolean trailerMode = auth != null && (auth.request().payload() == SignedRequest.Payload.STREAMING_SIGNED_TRAILER
                    || auth.request().payload() == SignedRequest.Payload.STREAMING_UNSIGNED_TRAILER);
            if (trailer && !trailerMode) {
                throw S3Exception.invalidRequest("x-amz-trailer needs an aws-chunked body (STREAMING-*-TRAILER)");
            }
            Long decoded = null;
            String decodedHeader = headers.get("x-amz-decoded-content-length");
            if (decodedHeader != null) {
                try {
                    decoded = Long.parseLong(decodedHeader.trim());
                } catch (NumberFormatException e) {
                    throw S3Exception.invalidArgument("x-amz-decoded-content-length must be a number");
                }
            }
            String md5 = headers.get("Content-MD5");
            if (md5 != null) {
                md5 = md5.trim();
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(md5);
                } catch (IllegalArgumentException e) {
                    raw = new byte[0];
                }
                if (raw.length != 16) {
                    throw new S3Exception(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
                }
            }
            return new Expectations(auth, md5, algorithm, value, trailer, maxSize, decoded);
        }
    }

    /** What the body was. */
    public record Result(long size, byte[] md5, Checksums.Algorithm checksumAlgorithm, String checksum) {
        public String md5Hex() {
            return SigV4.hex(md5);
        }
    }

    /** Where decoded bytes go: a file or a bounded buffer. */
    public interface Sink {
        Future<Void> write(Buffer data);

        boolean full();

        void onDrain(Runnable resume);

        /** Everything written so far is handed on (a file sink batches small buffers and completes once all are written). */
        default Future<Void> drain() {
            return Future.succeededFuture();
        }

        /**
         * {@code sink}, refusing bytes past {@code limit} as a body longer than it announced
         * (IncompleteBody, what {@link BodyReader} answers once such a body ends) before any of them
         * is written: for a sink that has only that much room.
         */
        static Sink bounded(Sink sink, long limit) {
            return new Sink() {
                private long written;

                @Override
                public Future<Void> write(Buffer data) {
                    written += data.length();
                    return written > limit ? Future.failedFuture(S3Exception.incompleteBody()) : sink.write(data);
                }

                @Override
                public boolean full() {
                    return sink.full();
                }

                @Override
                public void onDrain(Runnable resume) {
                    sink.onDrain(resume);
                }

                @Override
                public Future<Void> drain() {
                    return sink.drain();
                }
            };
        }

        /** Keeps up to {@code limit} bytes in memory (small XML bodies); more is MaxMessageLengthExceeded. */
        static Sink memory(Buffer into, int limit) {
            return new Sink() {
                @Override
                public Future<Void> write(Buffer data) {
                    if (into.length() + data.length() > limit) {
                        return Future.failedFuture(new S3Exception(400, "MaxMessageLengthExceeded", "Your request was too big."));
                    }
                    into.appendBuffer(data);
                    return Future.succeededFuture();
                }

                @Override
                public boolean full() {
                    return false;
                }

                @Override
                public void onDrain(Runnable resume) {
                    resume.run();
                }
            };
        }
    }

    private final HttpServerRequest request;
    private final Expectations expect;
    private final Sink sink;
    private final Promise<Result> result = Promise.promise();
    private final MessageDigest md5 = digest("MD5");
    private final MessageDigest sha256;
    private final Checksums.Hasher checksum;
    private final AwsChunkedDecoder decoder;
    private long size;
    private boolean failed;

    private BodyReader(HttpServerRequest request, Expectations expect, Sink sink) {
        this.request = request;
        this.expect = expect;
        this.sink = sink;
        SignedRequest.Verified auth = expect.auth();
        SignedRequest.Payload payload = auth == null ? SignedRequest.Payload.UNSIGNED : auth.request().payload();
        this.sha256 = payload == SignedRequest.Payload.SHA256 ? digest("SHA-256") : null;
        this.checksum = expect.checksumAlgorithm() == null ? null : expect.checksumAlgorithm().newHasher();
        this.decoder = switch (payload) {
            case STREAMING_SIGNED -> new AwsChunkedDecoder(auth, true, false, this::data);
            case STREAMING_SIGNED_TRAILER -> new AwsChunkedDecoder(auth, true, true, this::data);
            case STREAMING_UNSIGNED_TRAILER -> new AwsChunkedDecoder(auth, false, true, this::data);
            default -> null;
        };
    }

    /** Reads the whole body (the request must be paused and not yet read). */
    public static Future<Result> read(HttpServerRequest request, Expectations expect, Sink sink) {
        BodyReader reader = new BodyReader(request, expect, sink);
        reader.start();
        return reader.result.future();
    }

    private void start() {
        request.handler(buffer -> {
            if (failed) {
                return;
            }
            try {
                if (decoder != null) {
                    decoder.feed(buffer);
                } else {
                    data(buffer);
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        });
        request.exceptionHandler(e -> fail(S3Exception.incompleteBody()));
        request.endHandler(v -> {
            if (failed) {
                return;
            }
            try {
                Result done = finish();
                sink.drain().onSuccess(x -> result.tryComplete(done)).onFailure(this::fail);
            } catch (RuntimeException e) {
                fail(e);
            }
        });
        request.resume();
    }

    private void data(Buffer buffer) {
        size += buffer.length();
        if (size > expect.maxSize()) {
            throw new S3Exception(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");
        }
        md5.update(AwsChunkedDecoder.nio(buffer));
        if (sha256 != null) {
            sha256.update(AwsChunkedDecoder.nio(buffer));
        }
        if (checksum != null) {
            checksum.update(AwsChunkedDecoder.nio(buffer));
        }
        sink.write(buffer).onFailure(this::fail);
        if (sink.full()) {
            request.pause();
            sink.onDrain(() -> {
                if (!failed) {
                    request.resume();
                }
            });
        }
    }

    private Result finish() {
        if (decoder != null) {
            decoder.finish();
            if (expect.decodedLength() != null && expect.decodedLength() != size) {
                throw S3Exception.incompleteBody();
            }
        }
        byte[] md5Bytes = md5.digest();
        if (sha256 != null) {
            String actual = SigV4.hex(sha256.digest());
            if (!actual.equals(expect.auth().request().payloadHash())) {
                throw new S3Exception(400, "XAmzContentSHA256Mismatch",
                        "The provided 'x-amz-content-sha256' header does not match what was computed.");
            }
        }
        if (expect.contentMd5() != null && !expect.contentMd5().equals(Base64.getEncoder().encodeToString(md5Bytes))) {
            throw S3Exception.badDigest("The Content-MD5 you specified did not match what we received.");
        }
        String computed = null;
        if (checksum != null) {
            computed = checksum.base64();
            String declared = expect.checksumValue();
            if (expect.checksumInTrailer()) {
                declared = decoder.trailers().get(expect.checksumAlgorithm().header());
                if (declared == null) {
                    throw S3Exception.incompleteBody();
                }
            }
            if (declared != null && !declared.equals(computed)) {
                throw S3Exception.badDigest("The " + expect.checksumAlgorithm().name()
                        + " you specified did not match the calculated checksum.");
            }
        }
        return new Result(size, md5Bytes, expect.checksumAlgorithm(), computed);
    }

    private void fail(Throwable e) {
        if (failed) {
            return;
        }
        failed = true;
        result.tryFail(e);
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
