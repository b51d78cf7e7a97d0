package io.tuneops.storage.s3;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Header values as bytes. The HTTP server (Netty) turns each header byte into one char
 * (ISO-8859-1), so a value's chars are exactly the bytes the client sent: that is what SigV4
 * signs, what a stored header returns, and what S3 reads as UTF-8 in user metadata.
 */
public final class HeaderValues {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderValues() {
    }

    /** Whether every char is 7-bit (no byte needs a second thought). */
    public static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * A user metadata value as S3 keeps it: the bytes read as UTF-8 when they are UTF-8, else
     * one char per byte (a client that sent ISO-8859-1 meant those characters).
     */
    public static String metadataFromWire(String value) {
        if (isAscii(value)) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }

    /**
     * A user metadata value as S3 returns it: as stored when it is printable US-ASCII, else as an
     * RFC 2047 encoded word ({@code =?UTF-8?Q?...?=}) of its UTF-8 bytes, which S3 documents as
     * making such values safe to return. Hand-written: the JDK has no RFC 2047 encoder and the
     * Q encoding is a dozen lines.
     */
    public static String metadataToWire(String value) {
        boolean printable = true;
        for (int i = 0; i < value.length() && printable; i++) {
            char c = value.charAt(i);
            printable = c == '\t' || (c >= 0x20 && c < 0x7f);
        }
        if (printable) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() * 3 + 12).append("=?UTF-8?Q?");
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == ' ') {
                out.append('_');
            } else if (c > 0x20 && c < 0x7f && c != '=' && c != '?' && c != '_') {
                out.append((char) c);
            } else {
                out.append('=').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.append("?=").toString();
    }

    /**
     * A Content-Encoding without the {@code aws-chunked} coding, which describes the transfer and
     * not the object; every other byte stays as sent ({@code deflate, gzip} keeps its space).
     * Null when nothing is left.
     */
    public static String withoutAwsChunked(String contentEncoding) {
        String[] codings = contentEncoding.split(",", -1);
        List<String> kept = new ArrayList<>(codings.length);
        for (String coding : codings) {
            if (!coding.trim().equalsIgnoreCase("aws-chunked")) {
                kept.add(coding);
            }
        }
        if (kept.size() == codings.length) {
            return contentEncoding;
        }
        String rest = String.join(",", kept).strip();
        return rest.isEmpty() ? null : rest;
    }
}
