package io.tuneops.storage.s3;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Range, partNumber and x-amz-copy-source-range, as GetObject and UploadPartCopy read them. */
class ByteRangeTest {

    private static final long SIZE = 100;

    @Test
    void rangeHeaderSelectsOneRange() {
        assertEquals(Optional.of(new ByteRange(0, 10)), ByteRange.ofRangeHeader("bytes=0-9", SIZE));
        assertEquals(Optional.of(new ByteRange(90, 10)), ByteRange.ofRangeHeader("bytes=90-", SIZE));
        assertEquals(Optional.of(new ByteRange(90, 10)), ByteRange.ofRangeHeader("bytes=-10", SIZE));
        assertEquals(Optional.of(new ByteRange(1, 2)), ByteRange.ofRangeHeader(" bytes= 1 - 2 ", SIZE));
        assertEquals(99, ByteRange.ofRangeHeader("bytes=90-", SIZE).orElseThrow().last());
    }

    @Test
    void rangeHeaderIsClampedToTheObject() {
        assertEquals(Optional.of(new ByteRange(50, 50)), ByteRange.ofRangeHeader("bytes=50-1000", SIZE));
        assertEquals(Optional.of(new ByteRange(0, 100)), ByteRange.ofRangeHeader("bytes=-200", SIZE));
    }

    @Test
    void rangeHeaderS3CannotUseIsIgnored() {
        for (String ignored : new String[]{"items=0-9", "bytes=0-1,5-6", "bytes=abc-", "bytes=5-2", "bytes=-", "bytes=5", "0-9"}) {
            assertEquals(Optional.empty(), ByteRange.ofRangeHeader(ignored, SIZE), ignored);
        }
    }

    @Test
    void rangeHeaderPastTheEndIsInvalidRange() {
        for (String unsatisfiable : new String[]{"bytes=100-", "bytes=100-200", "bytes=-0"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> ByteRange.ofRangeHeader(unsatisfiable, SIZE), unsatisfiable);
            assertEquals(416, e.status());
            assertEquals("InvalidRange", e.code());
            assertEquals("bytes */100", e.resource());
        }
        assertEquals("InvalidRange", assertThrows(S3Exception.class, () -> ByteRange.ofRangeHeader("bytes=0-", 0)).code());
    }

    @Test
    void partNumberSelectsAPartOfAMultipartObject() {
        Long[] parts = {5L, 5L, 3L};
        assertEquals(new ByteRange(0, 5), ByteRange.ofPart(parts, 13, "1"));
        assertEquals(new ByteRange(5, 5), ByteRange.ofPart(parts, 13, "2"));
        assertEquals(new ByteRange(10, 3), ByteRange.ofPart(parts, 13, "3"));
        S3Exception beyond = assertThrows(S3Exception.class, () -> ByteRange.ofPart(parts, 13, "4"));
        assertEquals(416, beyond.status(), "a part the object does not have");
        assertEquals("InvalidPartNumber", beyond.code());
        for (String invalid : new String[]{"0", "-1", "10001", "two"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> ByteRange.ofPart(parts, 13, invalid), invalid);
            assertEquals(400, e.status(), "no part number S3 has: " + invalid);
            assertEquals("InvalidArgument", e.code());
        }
    }

    @Test
    void anObjectUploadedWholeHasOnlyPartOne() {
        assertEquals(ByteRange.all(42), ByteRange.ofPart(null, 42, "1"));
        assertEquals(ByteRange.all(42), ByteRange.ofPart(new Long[0], 42, "1"));
        assertEquals("InvalidPartNumber", assertThrows(S3Exception.class, () -> ByteRange.ofPart(null, 42, "2")).code());
    }

    @Test
    void copySourceRangeMustBeExactAndInside() {
        assertEquals(new ByteRange(0, 5), ByteRange.ofCopySourceRange("bytes=0-4", 10));
        assertEquals(new ByteRange(5, 5), ByteRange.ofCopySourceRange(" bytes=5-9 ", 10));
        for (String unsatisfiable : new String[]{"bytes=5-10", "bytes=6-5"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> ByteRange.ofCopySourceRange(unsatisfiable, 10), unsatisfiable);
            assertEquals(416, e.status());
            assertEquals("InvalidRange", e.code());
        }
        // unlike Range, what S3 cannot use is an error, not the whole object
        for (String malformed : new String[]{"bytes=0-", "bytes=-5", "bytes=0-1,3-4", "items=0-4"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> ByteRange.ofCopySourceRange(malformed, 10), malformed);
            assertEquals(400, e.status());
            assertEquals("InvalidArgument", e.code());
        }
    }
}
