package io.tuneops.storage.rest;

import io.tuneops.storage.repository.MultipartRepository.Part;
import io.tuneops.storage.repository.MultipartRepository.Upload;
import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.S3Exception;
import io.vertx.core.MultiMap;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The whole-object checksum of a CompleteMultipartUpload: its algorithm and type (the upload's,
 * or, for an upload created without one, the algorithm of the x-amz-checksum-* header, checked
 * over the whole object), the value the request declares, and, for a COMPOSITE upload, the
 * checksum of the parts' checksums ({@code base64-N}). A declared COMPOSITE value is checked
 * here, before any byte is read; a FULL_OBJECT one once the parts are concatenated, before the
 * object becomes visible. A mismatch is BadDigest and leaves the upload as it was.
 */
record WholeChecksum(Checksums.Algorithm algorithm, String type, String declared, String composite) {

    static final String COMPOSITE = "COMPOSITE";
    static final String FULL_OBJECT = "FULL_OBJECT";

    /** Whether the checksum is computed over the object's bytes while the parts are concatenated. */
    boolean hashesData() {
        return algorithm != null && FULL_OBJECT.equals(type);
    }

    /** What the completion request and the upload say, checked against each other and (COMPOSITE) against the parts. */
    static WholeChecksum of(MultiMap headers, Upload upload, List<Part> parts) {
        Checksums.Algorithm uploadAlgorithm = Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
        String uploadType = upload.checksumType();
        String typeHeader = headers.get("x-amz-checksum-type");
        String namedType = typeHeader == null ? null : typeHeader.trim().toUpperCase(Locale.ROOT);
        // an upload created without a checksum can only be checked over its bytes: FULL_OBJECT
        String expectedType = uploadType == null ? FULL_OBJECT : uploadType;
        if (namedType != null && !namedType.equals(expectedType)) {
            // S3 answers BadDigest: the header is an integrity check of the upload's checksum type
            throw S3Exception.badDigest("The upload was created using the " + expectedType
                    + " checksum type. The complete request must use the same checksum type.");
        }
        checkObjectSize(headers.get("x-amz-mp-object-size"), parts);
        Checksums.Algorithm declaredAlgorithm = null;
        String declared = null;
        for (Checksums.Algorithm a : Checksums.Algorithm.values()) {
            String value = headers.get(a.header());
            if (value != null) {
                if (declaredAlgorithm != null) {
                    throw S3Exception.invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
                }
                declaredAlgorithm = a;
                declared = value.trim();
            }
        }
        if (declaredAlgorithm != null) {
            requireWellFormed(declaredAlgorithm, declared);
        }
        if (uploadAlgorithm == null) {
            if (declaredAlgorithm == null) {
                return new WholeChecksum(null, null, null, null);
            }
            if (partsSuffix(declared) >= 0) {
                throw S3Exception.invalidRequest("The upload was created without a checksum algorithm, so its parts carry no checksums "
                        + "to combine; declare the checksum of the whole object instead.");
            }
            return new WholeChecksum(declaredAlgorithm, FULL_OBJECT, declared, null);
        }
        if (declaredAlgorithm != null && declaredAlgorithm != uploadAlgorithm) {
            throw S3Exception.invalidRequest("The upload was created using a " + uploadAlgorithm.name().toLowerCase(Locale.ROOT)
                    + " checksum. The complete request must use the same checksum algorithm.");
        }
        if (FULL_OBJECT.equals(uploadType)) {
            return new WholeChecksum(uploadAlgorithm, FULL_OBJECT, declared, null);
        }
        String composite = parts.stream().allMatch(p -> p.checksumValue() != null)
                ? Checksums.composite(uploadAlgorithm, parts.stream().map(Part::checksumValue).toList(), parts.size()) : null;
        if (declared != null && (composite == null || !matchesComposite(declared, composite))) {
            throw mismatch(uploadAlgorithm);
        }
        return new WholeChecksum(uploadAlgorithm, COMPOSITE, declared, composite);
    }

    static S3Exception mismatch(Checksums.Algorithm algorithm) {
        return S3Exception.badDigest("The " + algorithm.name().toLowerCase(Locale.ROOT)
                + " you specified did not match the calculated checksum.");
    }

    /** A composite checksum may be declared with its "-N" (which must then be the number of parts) or without. */
    private static boolean matchesComposite(String declared, String composite) {
        return declared.equals(composite) || declared.equals(composite.substring(0, partsSuffix(composite)));
    }

    /** Where a "-N" suffix starts, or -1. */
    private static int partsSuffix(String value) {
        int dash = value.lastIndexOf('-');
        return dash > 0 && dash < value.length() - 1 && value.substring(dash + 1).chars().allMatch(Character::isDigit) ? dash : -1;
    }

    /** The base64 of a digest of the algorithm's length (with an optional "-N"): InvalidRequest otherwise, as S3 answers. */
    private static void requireWellFormed(Checksums.Algorithm algorithm, String value) {
        int suffix = partsSuffix(value);
        String digest = suffix < 0 ? value : value.substring(0, suffix);
        boolean ok;
        try {
            ok = Base64.getDecoder().decode(digest).length == algorithm.newHasher().digest().length;
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (!ok) {
            throw S3Exception.invalidRequest("Value for " + algorithm.header() + " header is invalid.");
        }
    }

    /** x-amz-mp-object-size, when sent, must be the sum of the parts' sizes. */
    private static void checkObjectSize(String header, List<Part> parts) {
        if (header == null) {
            return;
        }
        long total = parts.stream().mapToLong(Part::size).sum();
        long declared;
        try {
            declared = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw S3Exception.invalidArgument("x-amz-mp-object-size is not a number");
        }
        if (declared != total) {
            throw S3Exception.invalidRequest("The provided 'x-amz-mp-object-size' header value " + declared
                    + " does not match what was computed: " + total);
        }
    }
}
