package io.tuneops.storage.s3;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes an {@code aws-chunked} body as it streams in:
 * {@code hex-size[;chunk-signature=sig]\r\n data \r\n ... 0[;chunk-signature=sig]\r\n [trailers\r\n] \r\n}.
 *
 * <p>With signed chunks every chunk's signature is checked against the chain seeded by the
 * request signature (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), and with signed trailers the
 * {@code x-amz-trailer-signature} too. Decoded bytes go to the sink as soon as they arrive; a
 * failed check throws {@link S3Exception}, after which the caller discards what the sink wrote.
 */
public final class AwsChunkedDecoder {

    private static final int MAX_LINE = 4096;
    private static final int MAX_TRAILER_BYTES = 16 * 1024;

    private enum State { HEADER, DATA, DATA_CR, DATA_LF, FINAL_CRLF, TRAILER, DONE }

    private final SignedRequest.Verified auth;
    private final boolean signedChunks;
    private final boolean trailers;
    private final Consumer<Buffer> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private final Map<String, String> trailerValues = new LinkedHashMap<>();
    private final StringBuilder canonicalTrailers = new StringBuilder();
    private final MessageDigest chunkDigest = SigV4.sha256();
    private State state = State.HEADER;
    private long remaining;
    private String chunkSignature;
    private String previousSignature;
    private int trailerBytes;
    private boolean lastCr;

    /**
     * @param auth         the verified request (signatures chain from its signature); null when unsigned
     * @param signedChunks every chunk carries a chunk-signature that must verify
     * @param trailers     trailers (checksums) follow the last chunk
     */
    public AwsChunkedDecoder(SignedRequest.Verified auth, boolean signedChunks, boolean trailers, Consumer<Buffer> sink) {
        if (signedChunks && auth == null) {
            throw new IllegalArgumentException("signed chunks need the verified request");
        }
        this.auth = auth;
        this.signedChunks = signedChunks;
        this.trailers = trailers;
        this.sink = sink;
        this.previousSignature = auth == null ? null : auth.request().signature().toLowerCase(Locale.ROOT);
    }

    /** Trailers received (lower-case names), e.g. x-amz-checksum-crc32. */
    public Map<String, String> trailers() {
        return trailerValues;
    }

    public boolean done() {
        return state == State.DONE;
    }

    public void feed(Buffer input) {
        int pos = 0;
        int len = input.length();
        while (pos < len) {
            switch (state) {
                case HEADER, TRAILER, FINAL_CRLF -> {
                    byte b = input.getByte(pos++);
                    if (state == State.TRAILER && ++trailerBytes > MAX_TRAILER_BYTES) {
                        throw malformed("trailers too long");
                    }
                    if (b == '\n' && lastCr) {
                        lastCr = false;
                        String text = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        endOfLine(text);
                    } else {
                        if (lastCr) {
                            line.write('\r');
                        }
                        lastCr = b == '\r';
                        if (!lastCr) {
                            line.write(b);
                        }
                        if (line.size() > MAX_LINE) {
                            throw malformed("chunk header too long");
                        }
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(remaining, len - pos);
                    Buffer slice = input.slice(pos, pos + n);
                    if (signedChunks) {
                        chunkDigest.update(nio(slice));
                    }
                    sink.accept(slice);
                    pos += n;
                    remaining -= n;
                    if (remaining == 0) {
                        if (signedChunks) {
                            verifyChunk(SigV4.hex(chunkDigest.digest()));
                        }
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    if (input.getByte(pos++) != '\r') {
                        throw malformed("chunk data longer than its declared size");
                    }
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    if (input.getByte(pos++) != '\n') {
                        throw malformed("chunk data longer than its declared size");
                    }
                    state = State.HEADER;
                }
                case DONE -> throw malformed("data after the final chunk");
            }
        }
    }

    /** The body ended: anything short of the final chunk (and its trailers) is a truncated upload. */
    public void finish() {
        boolean lenientEnd = (state == State.FINAL_CRLF || state == State.TRAILER) && line.size() == 0 && !lastCr;
        if (state == State.TRAILER && lenientEnd && signedChunks && trailers && !trailerValues.containsKey("x-amz-trailer-signature")) {
            throw S3Exception.incompleteBody();
        }
        if (state != State.DONE && !lenientEnd) {
            throw S3Exception.incompleteBody();
        }
        state = State.DONE;
    }

    private void endOfLine(String text) {
        switch (state) {
            case HEADER -> chunkHeader(text);
            case FINAL_CRLF -> {
                if (!text.isEmpty()) {
                    throw malformed("expected the end of the body after the final chunk");
                }
                state = State.DONE;
            }
            case TRAILER -> trailerLine(text);
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void chunkHeader(String text) {
        int semi = text.indexOf(';');
        String size = (semi < 0 ? text : text.substring(0, semi)).trim();
        if (size.isEmpty() || size.length() > 15 || !size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            // hex digits only: Long.parseLong would also take a sign ("-4")
            throw malformed("bad chunk size");
        }
        try {
            remaining = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw malformed("bad chunk size");
        }
        chunkSignature = null;
        if (semi >= 0) {
            for (String ext : text.substring(semi + 1).split(";")) {
                String e = ext.trim();
                if (e.startsWith("chunk-signature=")) {
                    chunkSignature = e.substring("chunk-signature=".length()).trim();
                }
            }
        }
        if (signedChunks && chunkSignature == null) {
            throw S3Exception.signatureMismatch();
        }
        if (remaining == 0) {
            if (signedChunks) {
                verifyChunk(SigV4.EMPTY_SHA256);
            }
            state = trailers ? State.TRAILER : State.FINAL_CRLF;
        } else {
            state = State.DATA;
        }
    }

    private void trailerLine(String text) {
        if (text.isEmpty()) {
            if (signedChunks && !trailerValues.containsKey("x-amz-trailer-signature")) {
                throw S3Exception.signatureMismatch();
            }
            state = State.DONE;
            return;
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw malformed("bad trailer");
        }
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim();
        if (name.equals("x-amz-trailer-signature")) {
            if (signedChunks) {
                String sts = SigV4.trailerStringToSign(auth.request().amzDate(), auth.request().scope(), previousSignature,
                        SigV4.sha256Hex(canonicalTrailers.toString().getBytes(StandardCharsets.UTF_8)));
                if (!SigV4.matches(SigV4.sign(auth.signingKey(), sts), value)) {
                    throw S3Exception.signatureMismatch();
                }
            }
        } else {
            if (trailerValues.containsKey("x-amz-trailer-signature")) {
                throw malformed("trailer after the trailer signature");
            }
            canonicalTrailers.append(name).append(':').append(value).append('\n');
        }
        trailerValues.put(name, value);
    }

    private void verifyChunk(String chunkSha256) {
        String sts = SigV4.chunkStringToSign(auth.request().amzDate(), auth.request().scope(), previousSignature, chunkSha256);
        String expected = SigV4.sign(auth.signingKey(), sts);
        if (!SigV4.matches(expected, chunkSignature)) {
            throw S3Exception.signatureMismatch();
        }
        previousSignature = expected;
    }

    private static S3Exception malformed(String why) {
        return new S3Exception(400, "InvalidRequest", "Malformed aws-chunked body: " + why);
    }

    /** A view of the buffer's bytes for hashing (no copy). */
    public static ByteBuffer nio(Buffer b) {
        return b.getByteBuf().nioBuffer();
    }
}
