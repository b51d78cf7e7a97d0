package io.tuneops.storage.s3;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The worked examples of AWS's SigV4 documentation for S3, and the codecs around them. */
class SigV4Test {

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final byte[] KEY = SigV4.signingKey(SECRET, "20130524", "us-east-1", "s3");

    @Test
    void headerSignatureOfTheDocumentedGetObject() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Host", "examplebucket.s3.amazonaws.com").add("Range", "bytes=0-9")
                .add("x-amz-content-sha256", SigV4.EMPTY_SHA256).add("x-amz-date", "20130524T000000Z");
        SignedRequest s = new SignedRequest("AKIAIOSFODNN7EXAMPLE", "20130524", "us-east-1", "s3", "20130524T000000Z",
                List.of("host", "range", "x-amz-content-sha256", "x-amz-date"), "", false, 0, SigV4.EMPTY_SHA256);
        String canonical = SigV4Authenticator.canonicalRequest(s, "GET", SigV4.canonicalUri("/test.txt"), List.of(), headers);
        assertEquals("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
                SigV4.sign(KEY, SigV4.stringToSign(s.amzDate(), s.scope(), canonical)));
    }

    @Test
    void chunkSignaturesOfTheDocumentedStreamingPut() {
        SignedRequest.Verified auth = documentedStreamingPut();
        byte[] a = new byte[66560];
        Arrays.fill(a, (byte) 'a');
        byte[] body = chunked(a);
        for (int piece : new int[]{1, 7, 1000, 65536, body.length}) {
            Buffer out = Buffer.buffer();
            AwsChunkedDecoder decoder = new AwsChunkedDecoder(auth, true, false, out::appendBuffer);
            for (int i = 0; i < body.length; i += piece) {
                decoder.feed(Buffer.buffer(Arrays.copyOfRange(body, i, Math.min(body.length, i + piece))));
            }
            decoder.finish();
            assertArrayEquals(a, out.getBytes(), "pieces of " + piece);
        }
    }

    @Test
    void tamperedTruncatedAndUnsignedChunksAreRefused() {
        SignedRequest.Verified auth = documentedStreamingPut();
        byte[] a = new byte[66560];
        Arrays.fill(a, (byte) 'a');
        byte[] tampered = chunked(a);
        tampered[200] = 'b';
        S3Exception bad = assertThrows(S3Exception.class, () -> feedAll(auth, tampered));
        assertEquals("SignatureDoesNotMatch", bad.code());

        byte[] whole = chunked(a);
        S3Exception truncated = assertThrows(S3Exception.class, () -> feedAll(auth, Arrays.copyOf(whole, whole.length - 120)));
        assertEquals("IncompleteBody", truncated.code());

        byte[] unsigned = ("10000\r\n" + "a".repeat(65536) + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals("SignatureDoesNotMatch", assertThrows(S3Exception.class, () -> feedAll(auth, unsigned)).code());
    }

    @Test
    void unsignedTrailerBodiesCarryTheirChecksum() {
        byte[] data = "hello trailer".getBytes(StandardCharsets.UTF_8);
        Checksums.Hasher crc = Checksums.Algorithm.CRC32.newHasher();
        crc.update(ByteBuffer.wrap(data));
        String body = Integer.toHexString(data.length) + "\r\nhello trailer\r\n0\r\nx-amz-checksum-crc32:" + crc.base64() + "\r\n\r\n";
        Buffer out = Buffer.buffer();
        AwsChunkedDecoder decoder = new AwsChunkedDecoder(null, false, true, out::appendBuffer);
        decoder.feed(Buffer.buffer(body));
        decoder.finish();
        assertEquals("hello trailer", out.toString());
        assertEquals(crc.base64(), decoder.trailers().get("x-amz-checksum-crc32"));
        AwsChunkedDecoder longer = new AwsChunkedDecoder(null, false, true, b -> { });
        assertEquals("InvalidRequest", assertThrows(S3Exception.class,
                () -> longer.feed(Buffer.buffer("2\r\nabc\r\n0\r\n\r\n"))).code());
    }

    @Test
    void checksumsMatchTheirCheckValues() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals("cbf43926", hex(Checksums.Algorithm.CRC32, check));
        assertEquals("e3069283", hex(Checksums.Algorithm.CRC32C, check));
        assertEquals("ae8b14860a799888", hex(Checksums.Algorithm.CRC64NVME, check));
        assertEquals("f7c3bc1d808e04732adf679965ccc34ca7ae3441", hex(Checksums.Algorithm.SHA1, check));
    }

    @Test
    void canonicalUriAndQueryEncodeLikeTheClients() {
        assertEquals("/b/a%20b/c%2Bd/%E2%82%AC~", SigV4.canonicalUri("/b/a%20b/c+d/%e2%82%ac%7E"));
        assertEquals("list-type=2&prefix=job%2Fa%20b&uploads=",
                SigV4.canonicalQuery(SigV4.parseQuery("uploads&prefix=job/a+b&list-type=2")));
        assertThrows(IllegalArgumentException.class, () -> SigV4.canonicalUri("/b/%zz"));
    }

    @Test
    void presignedExpiryIsChecked() {
        SignedRequest s = new SignedRequest("AKID", "20130524", "us-east-1", "s3", "20130524T000000Z", List.of("host"),
                "0".repeat(64), true, 60, SigV4.UNSIGNED_PAYLOAD);
        SigV4Authenticator authenticator = new SigV4Authenticator(null, java.time.Duration.ofMinutes(15),
                () -> Instant.parse("2013-05-24T00:01:01Z"));
        S3Exception e = assertThrows(S3Exception.class, () -> authenticator.verify(s, "GET", "/b/k", List.of(),
                MultiMap.caseInsensitiveMultiMap().add("Host", "h")).await().indefinitely());
        assertEquals("AccessDenied", e.code());
        assertEquals("Request has expired", e.getMessage());
    }

    static SignedRequest.Verified documentedStreamingPut() {
        SignedRequest s = new SignedRequest("AKIAIOSFODNN7EXAMPLE", "20130524", "us-east-1", "s3", "20130524T000000Z",
                List.of("content-encoding", "content-length", "host", "x-amz-content-sha256", "x-amz-date",
                        "x-amz-decoded-content-length", "x-amz-storage-class"),
                "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", false, 0, SigV4.STREAMING_SIGNED);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Host", "s3.amazonaws.com")
                .add("x-amz-date", "20130524T000000Z").add("x-amz-storage-class", "REDUCED_REDUNDANCY")
                .add("Content-Encoding", "aws-chunked").add("x-amz-decoded-content-length", "66560")
                .add("Content-Length", "66824").add("x-amz-content-sha256", SigV4.STREAMING_SIGNED);
        String canonical = SigV4Authenticator.canonicalRequest(s, "PUT", SigV4.canonicalUri("/examplebucket/chunkObject.txt"), List.of(), headers);
        assertEquals(s.signature(), SigV4.sign(KEY, SigV4.stringToSign(s.amzDate(), s.scope(), canonical)));
        return new SignedRequest.Verified(null, s, KEY);
    }

    /** The documented body: chunks of 64 KiB and 1 KiB of 'a', then the final chunk, with the documented signatures. */
    static byte[] chunked(byte[] a) {
        Buffer b = Buffer.buffer();
        b.appendString("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n");
        b.appendBytes(a, 0, 65536).appendString("\r\n");
        b.appendString("400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n");
        b.appendBytes(a, 65536, 1024).appendString("\r\n");
        b.appendString("0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");
        assertEquals(66824, b.length());
        return b.getBytes();
    }

    static void feedAll(SignedRequest.Verified auth, byte[] body) {
        AwsChunkedDecoder decoder = new AwsChunkedDecoder(auth, true, false, x -> { });
        decoder.feed(Buffer.buffer(body));
        decoder.finish();
    }

    static String hex(Checksums.Algorithm a, byte[] data) {
        Checksums.Hasher h = a.newHasher();
        h.update(ByteBuffer.wrap(data));
        return SigV4.hex(h.digest());
    }
}
