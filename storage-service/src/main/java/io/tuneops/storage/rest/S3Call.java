package io.tuneops.storage.rest;

import io.tuneops.storage.s3.CopySource;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.s3.SignedRequest;
import io.tuneops.storage.service.ObjectKeys;
import io.tuneops.storage.service.UploadCredential;
import io.tuneops.support.http.CorrelationIdHandler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * One S3 request as the operations see it: bucket and key decoded from the path, the decoded
 * query, and who is asking (a verified upload credential, or an administrator vouched for by the
 * gateway, read-only).
 */
final class S3Call {

    final RoutingContext rc;
    final String requestId;
    final String rawPath;
    final String bucket;
    final String key;
    final List<Map.Entry<String, String>> query;
    SignedRequest.Verified signed;
    String admin;
    /** Set once the body has been read in full (an error response then keeps the connection). */
    boolean bodyConsumed;

    S3Call(RoutingContext rc, String requestId, String rawPath, String bucket, String key, List<Map.Entry<String, String>> query) {
        this.rc = rc;
        this.requestId = requestId;
        this.rawPath = rawPath;
        this.bucket = bucket;
        this.key = key;
        this.query = query;
    }

    HttpServerRequest request() {
        return rc.request();
    }

    HttpServerResponse response() {
        return rc.response();
    }

    MultiMap headers() {
        return rc.request().headers();
    }

    String method() {
        return rc.request().method().name();
    }

    boolean has(String param) {
        return query.stream().anyMatch(e -> e.getKey().equals(param));
    }

    String param(String name) {
        for (Map.Entry<String, String> e : query) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    int intParam(String name, int defaultValue, int min, int max) {
        return boundedInt(name, param(name), defaultValue, min, max);
    }

    /** An integer request header (GetObjectAttributes' x-amz-max-parts, ...), read as {@link #intParam} reads a parameter. */
    int intHeader(String name, int defaultValue, int min, int max) {
        return boundedInt(name, headers().get(name), defaultValue, min, max);
    }

    private static int boundedInt(String name, String v, int defaultValue, int min, int max) {
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw S3Exception.invalidArgument(name + " must be at least " + min);
            }
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw S3Exception.invalidArgument("Provided " + name + " not an integer or within integer range");
        }
    }

    /** The source of a copy (x-amz-copy-source), whose key must be one that can be stored. */
    CopySource copySource() {
        CopySource source = CopySource.parse(headers().get("x-amz-copy-source"));
        ObjectKeys.validate(source.key());
        return source;
    }

    /** The client's address as the gateway resolved it, else the peer's. */
    String clientIp() {
        Object ip = rc.get(CorrelationIdHandler.CLIENT_IP);
        if (ip != null) {
            return ip.toString();
        }
        return rc.request().remoteAddress() == null ? null : rc.request().remoteAddress().hostAddress();
    }

    UploadCredential credential() {
        return signed == null ? null : signed.credential();
    }

    /** The job whose outputs this call may touch; null for administrators. */
    String jobId() {
        return signed == null ? null : signed.credential().jobId();
    }

    /** Writes need an upload credential covering the key; administrators only read. */
    void requireWrite(String bucketName, String objectKey) {
        if (signed == null || !signed.credential().covers(bucketName, objectKey)) {
            throw S3Exception.accessDenied();
        }
    }

    /** Reads: an administrator anywhere, an upload credential under its own prefix. */
    void requireRead(String bucketName, String objectKey) {
        if (admin != null) {
            return;
        }
        if (signed == null || !signed.credential().covers(bucketName, objectKey)) {
            throw S3Exception.accessDenied();
        }
    }

    /**
     * Listing: an administrator anywhere; an upload credential sees only its own prefix. Asking
     * for a shorter prefix (the bucket root, "job-1" without the slash) is allowed and narrowed:
     * the returned prefix is what the database filter uses.
     */
    String listScope(String bucketName, String prefix) {
        if (admin != null) {
            return prefix;
        }
        if (signed == null || !signed.credential().bucket().equals(bucketName)) {
            throw S3Exception.accessDenied();
        }
        String own = signed.credential().prefix();
        if (prefix.startsWith(own)) {
            return prefix;
        }
        if (own.startsWith(prefix)) {
            return own;
        }
        throw S3Exception.accessDenied();
    }
}
