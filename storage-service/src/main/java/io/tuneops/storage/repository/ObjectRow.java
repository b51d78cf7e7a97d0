package io.tuneops.storage.repository;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * An object's metadata: ETag (quoted-less MD5 hex, or md5-of-part-md5s-N), content type, the
 * flexible checksum the client sent, and the headers S3 returns as they were stored
 * (x-amz-meta-*, cache-control, content-disposition, content-encoding, content-language, expires).
 * A multipart object also keeps the upload that produced it (a repeated CompleteMultipartUpload
 * answers from it) and its parts' checksums (GetObjectAttributes lists them).
 */
public record ObjectRow(String bucket, String key, long size, String etag, String contentType, String checksumAlgorithm,
                        String checksumValue, String checksumType, JsonObject headers, Integer partsCount, Long[] partSizes,
                        OffsetDateTime lastModified, String uploadId, String[] partChecksums) {

    /** An object not made by a multipart upload. */
    public ObjectRow(String bucket, String key, long size, String etag, String contentType, String checksumAlgorithm,
                     String checksumValue, String checksumType, JsonObject headers, Integer partsCount, Long[] partSizes,
                     OffsetDateTime lastModified) {
        this(bucket, key, size, etag, contentType, checksumAlgorithm, checksumValue, checksumType, headers, partsCount, partSizes,
                lastModified, null, null);
    }
}
