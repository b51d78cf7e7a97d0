package io.tuneops.webhook.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads a webhook delivery as it streams in, with memory bounded whatever its size: the signature
 * (and, for a delivery without webhook-id, the digest) is computed over the raw bytes, and what is
 * kept is the body's JSON with the top-level {@code "logs"} string cut to its tail. Replicate puts
 * the whole training log in every delivery, so a long training's deliveries are tens of MB of
 * which only the last {@code logsTail} characters are ever stored.
 *
 * <p>The cut is made here, on the raw bytes, because JSON parsers (Jackson included) hold a string
 * value whole before handing it over; this scanner only follows strings, escapes and nesting far
 * enough to find that one value, and the kept JSON is then parsed by Jackson as any other body.
 */
public final class DeliveryReader {

    /** The largest escaped form of one character in JSON text ({@code \\uXXXX}). */
    private static final int MAX_BYTES_PER_CHAR = 6;
    private static final byte[] LOGS = {'l', 'o', 'g', 's'};

    /** What reading the body gave; nothing of it is trusted before the signature is checked. */
    public sealed interface Result {
    }

    /** The whole body was read: {@code json} is it with the log's head left out. */
    public record Read(byte[] json, long size, String sha256, boolean signatureMatches) implements Result {
    }

    /** The body, or what would have to be kept of it, is over a limit; reading stopped there. */
    public record TooLarge(String detail) implements Result {
    }

    private final long maxBody;
    private final int maxKept;
    private final int tailBytes;

    /**
     * @param maxBody  the largest delivery accepted
     * @param maxKept  the most bytes kept besides the log's tail (every other field)
     * @param logsTail the characters of log a job keeps
     */
    public DeliveryReader(long maxBody, int maxKept, int logsTail) {
        this.maxBody = maxBody;
        this.maxKept = maxKept;
        // two characters to spare: the cut may drop a partial character and half a surrogate pair
        this.tailBytes = MAX_BYTES_PER_CHAR * (Math.max(1, logsTail) + 2);
    }

    /**
     * Blocking: reads {@code body} to its end (or to the first limit passed).
     *
     * @param signature null when the provider does not require signatures
     * @param digest    whether to compute the body's SHA-256 (deliveries without a webhook-id)
     */
    public Result read(InputStream body, WebhookSignature signature, boolean digest) throws IOException {
        MessageDigest sha256 = digest ? sha256() : null;
        Compactor compactor = new Compactor();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int n; (n = body.read(buffer)) >= 0; ) {
            size += n;
            if (size > maxBody) {
                return new TooLarge("Webhook body larger than " + maxBody + " bytes");
            }
            if (signature != null) {
                signature.update(buffer, 0, n);
            }
            if (sha256 != null) {
                sha256.update(buffer, 0, n);
            }
            if (!compactor.accept(buffer, n)) {
                return new TooLarge("Webhook body holds more than " + maxKept + " bytes besides its logs");
            }
        }
        return new Read(compactor.finish(), size, sha256 == null ? null : HexFormat.of().formatHex(sha256.digest()),
                signature != null && signature.matches());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the scanner is in the top-level object. */
    private enum Expect {
        KEY, COLON, VALUE, OTHER
    }

    /**
     * Copies the JSON text, except that the content of the top-level "logs" string goes through a
     * ring of its last {@code tailBytes} bytes, in which every byte that starts a character or an
     * escape is marked: the tail then starts at a whole character.
     */
    private final class Compactor {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final byte[] ring = new byte[tailBytes];
        private final boolean[] starts = new boolean[tailBytes];
        private int ringPos;
        private long ringCount;
        private int depth;
        private boolean topIsObject;
        private boolean inString;
        private boolean escaped;
        private boolean stringIsKey;
        private Expect expect = Expect.OTHER;
        private final byte[] key = new byte[LOGS.length + 1];
        private int keyLength;
        private boolean keyIsLogs;
        private boolean inLogs;
        private int hexLeft;

        /** False when the kept part passed its limit. */
        boolean accept(byte[] bytes, int length) {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (inLogs) {
                    logsByte(b);
                } else {
                    structureByte(b);
                    kept.write(b);
                }
            }
            return kept.size() <= maxKept;
        }

        private void logsByte(byte b) {
            boolean start;
            if (escaped) {
                escaped = false;
                hexLeft = b == 'u' ? 4 : 0;
                start = false;
            } else if (hexLeft > 0) {
                hexLeft--;
                start = false;
            } else if (b == '\\') {
                escaped = true;
                start = true;
            } else if (b == '"') {
                writeTail();
                kept.write(b);
                inLogs = false;
                inString = false;
                expect = Expect.OTHER;
                return;
            } else {
                start = (b & 0xC0) != 0x80;  // not a UTF-8 continuation byte
            }
            ring[ringPos] = b;
            starts[ringPos] = start;
            ringPos = (ringPos + 1) % ring.length;
            ringCount++;
        }

        private void writeTail() {
            int n = (int) Math.min(ringCount, ring.length);
            int first = Math.floorMod(ringPos - n, ring.length);
            int skip = 0;
            if (ringCount > ring.length) {
                while (skip < n && !starts[(first + skip) % ring.length]) {
                    skip++;
                }
                if (lowSurrogateEscapeAt(first + skip, n - skip)) {
                    // the other half of the pair was cut off: start at the next character
                    skip += 6;
                }
            }
            for (int i = skip; i < n; i++) {
                kept.write(ring[(first + i) % ring.length]);
            }
            ringCount = 0;
        }

        private boolean lowSurrogateEscapeAt(int at, int available) {
            if (available < 6) {
                return false;
            }
            int c2 = Character.toUpperCase(ring[(at + 2) % ring.length]);
            int c3 = Character.toUpperCase(ring[(at + 3) % ring.length]);
            return ring[at % ring.length] == '\\' && ring[(at + 1) % ring.length] == 'u' && c2 == 'D' && c3 >= 'C' && c3 <= 'F';
        }

        private void structureByte(byte b) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                    keyByte(b);
                } else if (b == '\\') {
                    escaped = true;
                    keyByte(b);
                } else if (b == '"') {
                    inString = false;
                    if (stringIsKey) {
                        keyIsLogs = keyLength == LOGS.length && Arrays.equals(key, 0, keyLength, LOGS, 0, LOGS.length);
                        expect = Expect.COLON;
                    } else if (depth == 1) {
                        expect = Expect.OTHER;
                    }
                } else {
                    keyByte(b);
                }
                return;
            }
            switch (b) {
                case '"' -> {
                    boolean topLevel = depth == 1 && topIsObject;
                    stringIsKey = topLevel && expect == Expect.KEY;
                    keyLength = 0;
                    if (topLevel && expect == Expect.VALUE && keyIsLogs) {
                        inLogs = true;
                        ringCount = 0;
                        hexLeft = 0;
                    } else {
                        inString = true;
                    }
                }
                case '{', '[' -> {
                    if (depth == 0) {
                        topIsObject = b == '{';
                    } else if (depth == 1) {
                        expect = Expect.OTHER;
                    }
                    depth++;
                    if (depth == 1 && topIsObject) {
                        expect = Expect.KEY;
                    }
                }
                case '}', ']' -> depth--;
                case ':' -> {
                    if (depth == 1 && expect == Expect.COLON) {
                        expect = Expect.VALUE;
                    }
                }
                case ',' -> {
                    if (depth == 1 && topIsObject) {
                        expect = Expect.KEY;
                    }
                }
                case ' ', '\t', '\n', '\r' -> {
                }
                default -> {
                    if (depth == 1 && expect == Expect.VALUE) {
                        expect = Expect.OTHER;
                    }
                }
            }
        }

        private void keyByte(byte b) {
            if (stringIsKey && keyLength < key.length) {
                key[keyLength++] = b;
            } else if (stringIsKey) {
                keyLength = key.length;  // longer than "logs"
            }
        }

        byte[] finish() {
            if (inLogs) {
                writeTail();  // unterminated: the parser refuses what is kept
            }
            return kept.toByteArray();
        }
    }
}
