package io.tuneops.storage.s3;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HeaderValuesTest {

    /** A header value as the HTTP server hands it over: one char per byte received. */
    private static String wire(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void awsChunkedIsDroppedAndEverythingElseKeptByteForByte() {
        assertEquals("deflate, gzip", HeaderValues.withoutAwsChunked("deflate, gzip"));
        assertEquals("deflate, gzip", HeaderValues.withoutAwsChunked("aws-chunked, deflate, gzip"));
        assertEquals("gzip", HeaderValues.withoutAwsChunked("aws-chunked,gzip"));
        assertEquals("gzip", HeaderValues.withoutAwsChunked("gzip, AWS-CHUNKED"));
        assertNull(HeaderValues.withoutAwsChunked("aws-chunked"));
    }

    @Test
    void utf8MetadataIsReadAsTextAndReturnedAsAnEncodedWord() {
        String stored = HeaderValues.metadataFromWire(wire("café ☕"));
        assertEquals("café ☕", stored);
        assertEquals("=?UTF-8?Q?caf=C3=A9_=E2=98=95?=", HeaderValues.metadataToWire(stored));
        assertEquals("plain, ascii=1?", HeaderValues.metadataToWire("plain, ascii=1?"), "printable ASCII as stored");
        assertEquals("=?UTF-8?Q?=04mymeta?=", HeaderValues.metadataToWire("\u0004mymeta"));
    }

    @Test
    void bytesThatAreNotUtf8AreReadAsIso88591() {
        assertEquals("Zürich", HeaderValues.metadataFromWire("Z\u00fcrich"));
    }
}
