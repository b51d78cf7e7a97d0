package io.tuneops.storage.s3;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz tests of the protocol parsers hostile input reaches first (the object key validator's is
 * {@link io.tuneops.storage.service.ObjectKeysFuzzTest}). Every build replays the regression
 * corpus (src/test/resources/io/tuneops/storage/s3/StorageFuzzTestInputs/); JAZZER_FUZZ=1
 * makes them fuzz, and new findings land in that corpus.
 */
class StorageFuzzTest {

    /** The aws-chunked decoder fails only with S3 errors and never emits more than it was given. */
    @FuzzTest(maxDuration = "40s")
    void chunkedDecoderFailsOnlyWithS3Errors(FuzzedDataProvider data) {
        boolean signed = data.consumeBoolean();
        boolean trailers = data.consumeBoolean();
        int piece = data.consumeInt(1, 4096);
        byte[] body = data.consumeRemainingAsBytes();
        Buffer out = Buffer.buffer();
        SignedRequest.Verified auth = signed ? SigV4Test.documentedStreamingPut() : null;
        AwsChunkedDecoder decoder = new AwsChunkedDecoder(auth, signed, trailers, out::appendBuffer);
        try {
            for (int i = 0; i < body.length; i += piece) {
                decoder.feed(Buffer.buffer(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + piece))));
            }
            decoder.finish();
            assertTrue(decoder.done());
        } catch (S3Exception expected) {
            assertTrue(expected.status() == 400 || expected.status() == 403, expected.code());
        }
        assertTrue(out.length() <= body.length);
    }

    /** Canonicalisation is total on decodable input, idempotent, and emits only the canonical alphabet. */
    @FuzzTest(maxDuration = "40s")
    void canonicaliserIsIdempotentAndCanonical(FuzzedDataProvider data) {
        String path = "/" + data.consumeString(300);
        String query = data.consumeRemainingAsString();
        try {
            String uri = SigV4.canonicalUri(path);
            assertEquals(uri, SigV4.canonicalUri(uri));
            assertTrue(uri.matches("[A-Za-z0-9\\-_.~/%]*"), uri);
        } catch (IllegalArgumentException malformed) {
            // a malformed escape is refused as a whole (400 InvalidArgument)
        }
        try {
            String canonical = SigV4.canonicalQuery(SigV4.parseQuery(query));
            assertTrue(canonical.matches("[A-Za-z0-9\\-_.~%=&]*"), canonical);
            assertEquals(canonical, SigV4.canonicalQuery(SigV4.parseQuery(canonical)));
        } catch (IllegalArgumentException malformed) {
            // same
        }
    }
}
