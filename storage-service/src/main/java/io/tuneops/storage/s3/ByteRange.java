package io.tuneops.storage.s3;

import java.util.Optional;

/**
 * A run of an object's bytes, {@code length} bytes from {@code offset}, as GetObject's
 * {@code Range} header or {@code partNumber} and UploadPartCopy's
 * {@code x-amz-copy-source-range} select it.
 */
public record ByteRange(long offset, long length) {

    private static final String BYTES = "bytes=";
    /** The highest part number S3 has, whatever this installation's own limit on parts. */
    private static final int MAX_PART_NUMBER = 10_000;

    /** The whole object. */
    public static ByteRange all(long size) {
        return new ByteRange(0, size);
    }

    /** The last byte's offset, as Content-Range names it. */
    public long last() {
        return offset + length - 1;
    }

    /**
     * A {@code Range} header: a single byte range ({@code bytes=a-b}, {@code bytes=a-},
     * {@code bytes=-n}); empty (the whole object) for what S3 ignores: other units, several
     * ranges, syntax it cannot parse, a last byte before the first. A range that starts at or
     * after the end, or an empty suffix, is 416 InvalidRange.
     */
    public static Optional<ByteRange> ofRangeHeader(String header, long size) {
        String h = header.trim();
        if (!h.startsWith(BYTES) || h.contains(",")) {
            return Optional.empty();
        }
        String spec = h.substring(BYTES.length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long start;
            long end;
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return Optional.empty();
                }
                long suffix = Long.parseLong(b);
                if (suffix == 0) {
                    throw invalidRange(size);
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
                if (!b.isEmpty() && Long.parseLong(b) < start) {
                    return Optional.empty();
                }
            }
            if (start >= size) {
                throw invalidRange(size);
            }
            return Optional.of(new ByteRange(start, end - start + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * GetObject's {@code partNumber}: the bytes of that part of a multipart object, given its
     * parts' sizes in order; an object uploaded whole (no part sizes) has only part 1.
     */
    public static ByteRange ofPart(Long[] partSizes, long size, String partNumber) {
        int n = checkPartNumber(partNumber);
        if (partSizes == null || partSizes.length == 0) {
            if (n != 1) {
                throw invalidPartNumber();
            }
            return all(size);
        }
        if (n < 1 || n > partSizes.length) {
            throw invalidPartNumber();
        }
        long offset = 0;
        for (int i = 0; i < n - 1; i++) {
            offset += partSizes[i];
        }
        return new ByteRange(offset, partSizes[n - 1]);
    }

    /** A {@code partNumber} S3 accepts at all, 1 to 10,000 (one the object does not have is 416 InvalidPartNumber). */
    public static int checkPartNumber(String partNumber) {
        int n;
        try {
            n = Integer.parseInt(partNumber);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > MAX_PART_NUMBER) {
            throw S3Exception.invalidArgument("Part number must be an integer between 1 and 10000, inclusive");
        }
        return n;
    }

    /**
     * UploadPartCopy's {@code x-amz-copy-source-range}: exactly {@code bytes=first-last}, inside
     * the source; anything else is an error (unlike {@code Range}, nothing is ignored).
     */
    public static ByteRange ofCopySourceRange(String header, long size) {
        String h = header.trim();
        if (!h.matches("bytes=\\d+-\\d+")) {
            throw S3Exception.invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where "
                    + "first and last are the zero-based offsets of the first and last bytes to copy");
        }
        String[] ab = h.substring(BYTES.length()).split("-");
        long first = Long.parseLong(ab[0]);
        long last = Long.parseLong(ab[1]);
        if (first > last || last >= size) {
            throw new S3Exception(416, "InvalidRange", "The requested range is not satisfiable");
        }
        return new ByteRange(first, last - first + 1);
    }

    private static S3Exception invalidPartNumber() {
        return new S3Exception(416, "InvalidPartNumber", "The requested partnumber is not satisfiable");
    }

    private static S3Exception invalidRange(long size) {
        return new S3Exception(416, "InvalidRange", "The requested range is not satisfiable", "bytes */" + size);
    }
}
