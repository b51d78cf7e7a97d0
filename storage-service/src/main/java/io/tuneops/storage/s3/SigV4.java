package io.tuneops.storage.s3;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pieces of AWS Signature Version 4 a server needs: canonical URI and query, signing key,
 * string to sign, chunk and trailer signatures.
 *
 * <p>Hand-written on purpose: the AWS SDK's signers are client-side. They compute a signature for
 * a request they build, normalise and re-encode on the way, add headers, and want the payload as a
 * stream they own; a server must instead recompute exactly what the client signed from the bytes
 * received (raw path and query, the signed header list it chose) and compare in constant time,
 * and it has to verify aws-chunked signatures chunk by chunk while the body streams through. The
 * JDK's {@link Mac} and {@link MessageDigest} are all that takes.
 */
public final class SigV4 {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    public static final String STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public static final String STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public static final String STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private SigV4() {
    }

    /**
     * The canonical URI of a raw request path: percent-decoded once, then every byte but the
     * unreserved characters and '/' encoded again, as S3 clients do (no dot-segment normalisation).
     */
    public static String canonicalUri(String rawPath) {
        return encode(percentDecode(rawPath, false), false);
    }

    /** Canonical query string: names and values decoded, re-encoded, sorted; X-Amz-Signature left out. */
    public static String canonicalQuery(List<Map.Entry<String, String>> decodedParams) {
        List<String[]> encoded = new ArrayList<>();
        for (Map.Entry<String, String> p : decodedParams) {
            if (p.getKey().equals("X-Amz-Signature")) {
                continue;
            }
            encoded.add(new String[]{encode(p.getKey().getBytes(StandardCharsets.UTF_8), true),
                    encode(p.getValue().getBytes(StandardCharsets.UTF_8), true)});
        }
        encoded.sort((a, b) -> {
            int c = a[0].compareTo(b[0]);
            return c != 0 ? c : a[1].compareTo(b[1]);
        });
        StringBuilder out = new StringBuilder();
        for (String[] p : encoded) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }

    /** Splits a raw query string into decoded name/value pairs, in order ('+' is a space). */
    public static List<Map.Entry<String, String>> parseQuery(String rawQuery) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            out.add(Map.entry(decodeUtf8(percentDecode(name, true)), decodeUtf8(percentDecode(value, true))));
        }
        return out;
    }

    /** Header value as signed: trimmed, inner runs of spaces collapsed. */
    public static String canonicalHeaderValue(String value) {
        return WHITESPACE.matcher(value.trim()).replaceAll(" ");
    }

    public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return stringToSign(amzDate, scope, canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** The string to sign over the canonical request's bytes (see {@link HeaderValues}: header values are raw bytes). */
    public static String stringToSign(String amzDate, String scope, byte[] canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
    }

    public static String chunkStringToSign(String amzDate, String scope, String previousSignature, String chunkSha256Hex) {
        return "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n" + EMPTY_SHA256 + "\n"
                + chunkSha256Hex;
    }

    public static String trailerStringToSign(String amzDate, String scope, String previousSignature, String trailerSha256Hex) {
        return "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n" + trailerSha256Hex;
    }

    public static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    public static String sign(byte[] signingKey, String stringToSign) {
        return HEX.formatHex(hmac(signingKey, stringToSign));
    }

    /** Constant-time comparison of a computed signature with the presented one. */
    public static boolean matches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(byte[] data) {
        return HEX.formatHex(sha256().digest(data));
    }

    public static String hex(byte[] data) {
        return HEX.formatHex(data);
    }

    /** RFC 3986 encoding of every byte but A-Z a-z 0-9 - _ . ~ (and '/' unless {@code encodeSlash}). */
    public static String encode(byte[] bytes, boolean encodeSlash) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Percent-decodes to bytes; a malformed escape is an {@link IllegalArgumentException}. */
    public static byte[] percentDecode(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    utf8 = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(utf8);
            }
        }
        return out.toByteArray();
    }

    /** Strict UTF-8 decoding; invalid sequences are an {@link IllegalArgumentException}. */
    public static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8");
        }
    }
}
