package io.tuneops.storage.s3;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signature version 2 presigned URLs against AWS's documented query-string example. */
class SigV2PresignedTest {

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @Test
    void theDocumentedQueryStringExample() {
        // "Query string request authentication alternative", Amazon S3 developer guide (signature version 2)
        List<Map.Entry<String, String>> query = List.of(Map.entry("AWSAccessKeyId", "AKIAIOSFODNN7EXAMPLE"),
                Map.entry("Expires", "1175139620"), Map.entry("Signature", "NpgCjnDzrM+WFzoENXmpNDUsSn8="));
        assertTrue(SigV2Presigned.present(query));
        SignedRequest s = SigV2Presigned.parse(query);
        assertTrue(s.legacyPresigned() && s.presigned());
        assertEquals(SignedRequest.Payload.UNSIGNED, s.payload());
        String toSign = SigV2Presigned.stringToSign("GET", "/johnsmith/photos/puppy.jpg", query, MultiMap.caseInsensitiveMultiMap(),
                s.expiresSeconds());
        assertEquals("GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg", toSign);
        assertEquals(s.signature(), SigV2Presigned.sign(SECRET, toSign));
        assertTrue(SigV2Presigned.matches(SigV2Presigned.sign(SECRET, toSign), s.signature()));
        // base64 is case-sensitive
        assertFalse(SigV2Presigned.matches(SigV2Presigned.sign(SECRET, toSign), s.signature().toLowerCase(java.util.Locale.ROOT)));
    }

    @Test
    void subResourcesAndAmzHeadersAreSignedOtherParametersAreNot() {
        List<Map.Entry<String, String>> query = List.of(Map.entry("AWSAccessKeyId", "AK"), Map.entry("Expires", "10"),
                Map.entry("Signature", "x"), Map.entry("uploadId", "u1"), Map.entry("partNumber", "3"), Map.entry("foo", "bar"));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain").add("X-Amz-Meta-B", " 2 ")
                .add("x-amz-meta-a", "1");
        assertEquals("PUT\n\ntext/plain\n10\nx-amz-meta-a:1\nx-amz-meta-b:2\n/outputs/job/k?partNumber=3&uploadId=u1",
                SigV2Presigned.stringToSign("PUT", "/outputs/job/k", query, headers, 10));
        // a SigV4 presigned URL that also carries AWSAccessKeyId is still SigV4
        assertFalse(SigV2Presigned.present(List.of(Map.entry("AWSAccessKeyId", "AK"), Map.entry("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))));
    }
}
