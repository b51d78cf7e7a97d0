package io.tuneops.storage.s3;

import io.tuneops.storage.service.UploadCredential;

import java.util.List;

/**
 * What a SigV4 signature claims, parsed from the Authorization header or from a presigned URL's
 * query (or a SigV2 presigned URL's, see {@link SigV2Presigned}), before the credential is looked up.
 */
public record SignedRequest(String accessKeyId, String date, String region, String service, String amzDate,
                            List<String> signedHeaders, String signature, boolean presigned, long expiresSeconds,
                            String payloadHash, boolean legacyPresigned) {

    public SignedRequest(String accessKeyId, String date, String region, String service, String amzDate,
                         List<String> signedHeaders, String signature, boolean presigned, long expiresSeconds, String payloadHash) {
        this(accessKeyId, date, region, service, amzDate, signedHeaders, signature, presigned, expiresSeconds, payloadHash, false);
    }

    /**
     * A presigned URL in signature version 2's query form ({@link SigV2Presigned}): no scope, no
     * signed headers; {@code expiresAt} is the Unix time it stops working.
     */
    static SignedRequest legacyPresigned(String accessKeyId, String signature, long expiresAt) {
        return new SignedRequest(accessKeyId, "", "", "s3", "", List.of(), signature, true, expiresAt, SigV4.UNSIGNED_PAYLOAD, true);
    }

    public String scope() {
        return date + "/" + region + "/" + service + "/aws4_request";
    }

    /** How the body is protected, from x-amz-content-sha256. */
    public enum Payload {
        /** UNSIGNED-PAYLOAD (and every presigned URL). */
        UNSIGNED,
        /** A hex SHA-256 of the body, checked while it streams. */
        SHA256,
        /** aws-chunked, every chunk signed. */
        STREAMING_SIGNED,
        /** aws-chunked, every chunk signed, then signed trailers (checksums). */
        STREAMING_SIGNED_TRAILER,
        /** aws-chunked without signatures, then trailers (checksums). */
        STREAMING_UNSIGNED_TRAILER
    }

    public Payload payload() {
        if (presigned || payloadHash == null || SigV4.UNSIGNED_PAYLOAD.equals(payloadHash)) {
            return Payload.UNSIGNED;
        }
        return switch (payloadHash) {
            case SigV4.STREAMING_SIGNED -> Payload.STREAMING_SIGNED;
            case SigV4.STREAMING_SIGNED_TRAILER -> Payload.STREAMING_SIGNED_TRAILER;
            case SigV4.STREAMING_UNSIGNED_TRAILER -> Payload.STREAMING_UNSIGNED_TRAILER;
            default -> Payload.SHA256;
        };
    }

    public boolean chunked() {
        Payload p = payload();
        return p == Payload.STREAMING_SIGNED || p == Payload.STREAMING_SIGNED_TRAILER || p == Payload.STREAMING_UNSIGNED_TRAILER;
    }

    /** Verified request: the credential, and what chunk signatures chain from. */
    public record Verified(UploadCredential credential, SignedRequest request, byte[] signingKey) {
    }
}
