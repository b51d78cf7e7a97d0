package io.tuneops.storage.repository;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * An object's metadata: ETag (quoted-less MD5 hex, or md5-of-part-md5s-N), content type, the
 * flexible checksum the client sent, and the headers S3 returns as they were stored
 * (x-amz-meta-*, cache-control, content-disposition, content-encoding, content-language, expires).
 */
public record ObjectRow(String bucket, String key, long size, String etag, String contentType, String checksumAlgorithm,
                        String checksumValue, String checksumType, JsonObject headers, Integer partsCount, Long[] partSizes,
                        OffsetDateTime lastModified) {
}
