package io.tuneops.storage.s3;

import io.vertx.core.MultiMap;

import java.util.Set;

/**
 * The settings a write may name that this endpoint keeps nothing of (every object is stored one
 * way, in this bucket's only storage class, with this bucket's own access), checked as S3 checks
 * them: a value S3 would refuse is refused, so that a client that sent a typo is told instead of
 * its object being stored as if it had asked for nothing.
 */
public final class WriteSettings {

    private static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",
            "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS",
            "FSX_ONTAP");
    private static final Set<String> CANNED_ACLS = Set.of("private", "public-read", "public-read-write", "authenticated-read",
            "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control");
    private static final Set<String> ENCRYPTIONS = Set.of("AES256", "aws:kms", "aws:kms:dsse");

    private WriteSettings() {
    }

    /** Throws as S3 does for a storage class, canned ACL or server-side encryption it does not know. */
    public static void check(MultiMap headers) {
        String storageClass = headers.get("x-amz-storage-class");
        if (storageClass != null && !STORAGE_CLASSES.contains(storageClass)) {
            throw new S3Exception(400, "InvalidStorageClass", "The storage class you specified is not valid");
        }
        String acl = headers.get("x-amz-acl");
        if (acl != null && !CANNED_ACLS.contains(acl)) {
            throw S3Exception.invalidArgument("The canned ACL you specified is not valid");
        }
        String encryption = headers.get("x-amz-server-side-encryption");
        if (encryption != null && !ENCRYPTIONS.contains(encryption)) {
            throw S3Exception.invalidArgument("The encryption method specified is not supported");
        }
    }
}
