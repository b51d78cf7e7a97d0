package io.tuneops.storage.s3;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** x-amz-copy-source as CopyObject and UploadPartCopy read it. */
class CopySourceTest {

    @Test
    void bucketAndKeyWithOrWithoutALeadingSlash() {
        assertEquals(new CopySource("outputs", "job-1/a.bin"), CopySource.parse("outputs/job-1/a.bin"));
        assertEquals(new CopySource("outputs", "job-1/a.bin"), CopySource.parse("/outputs/job-1/a.bin"));
        assertEquals(new CopySource("outputs", "job-1/a.bin"), CopySource.parse("  outputs/job-1/a.bin "));
    }

    @Test
    void theValueIsPercentDecodedUtf8WithPlusKept() {
        assertEquals(new CopySource("outputs", "job-1/a b+c/\u20ac"), CopySource.parse("outputs/job-1/a%20b+c/%E2%82%AC"));
        assertEquals(new CopySource("outputs", "job-1/x/y"), CopySource.parse("outputs%2Fjob-1%2Fx%2Fy"));
    }

    @Test
    void onlyTheNullVersionExists() {
        assertEquals(new CopySource("outputs", "job-1/k"), CopySource.parse("outputs/job-1/k?versionId=null"));
        assertEquals(new CopySource("outputs", "job-1/k"), CopySource.parse("outputs/job-1/k?"));
        S3Exception e = assertThrows(S3Exception.class, () -> CopySource.parse("outputs/job-1/k?versionId=3HL4kqtJlcpXroDTDmJ"));
        assertEquals(404, e.status());
        assertEquals("NoSuchVersion", e.code());
    }

    @Test
    void aBucketAndAKeyAreNeeded() {
        for (String incomplete : new String[]{"outputs", "outputs/", "/outputs/", "/job-1", "/", ""}) {
            S3Exception e = assertThrows(S3Exception.class, () -> CopySource.parse(incomplete), incomplete);
            assertEquals("InvalidArgument", e.code(), incomplete);
            assertEquals("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", e.getMessage());
        }
    }

    @Test
    void badEncodingIsInvalidArgument() {
        for (String malformed : new String[]{"outputs/%zz", "outputs/job-1/%", "outputs/%C3%28"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> CopySource.parse(malformed), malformed);
            assertEquals(400, e.status());
            assertEquals("Invalid copy source encoding", e.getMessage());
        }
    }
}
