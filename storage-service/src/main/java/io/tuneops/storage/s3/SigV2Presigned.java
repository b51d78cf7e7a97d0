package io.tuneops.storage.s3;

import io.vertx.core.MultiMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Presigned URLs in signature version 2's query form ({@code AWSAccessKeyId}, {@code Expires},
 * {@code Signature}): what aws-cli v1's {@code aws s3 presign} and boto3's
 * {@code generate_presigned_url} produce for S3 unless told to use SigV4, so the URLs a job makes
 * with its default settings must work. Only this form is accepted; a SigV2 Authorization header
 * (which no current client sends by default) stays refused.
 */
final class SigV2Presigned {

    /** The query parameters that are part of the signed resource (botocore's and S3's list). */
    private static final Set<String> SUB_RESOURCES = Set.of("accelerate", "acl", "cors", "defaultObjectAcl", "delete",
            "lifecycle", "location", "logging", "notification", "partNumber", "policy", "replication", "requestPayment",
            "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
            "response-content-type", "response-expires", "restore", "storageClass", "tagging", "torrent", "uploadId", "uploads",
            "versionId", "versioning", "versions", "website");

    private SigV2Presigned() {
    }

    static boolean present(List<Map.Entry<String, String>> query) {
        return param(query, "AWSAccessKeyId") != null && param(query, "X-Amz-Algorithm") == null;
    }

    /** The claim; {@link SignedRequest#expiresSeconds()} holds the Unix time the URL expires at. */
    static SignedRequest parse(List<Map.Entry<String, String>> query) {
        String accessKeyId = param(query, "AWSAccessKeyId");
        String signature = param(query, "Signature");
        String expires = param(query, "Expires");
        if (accessKeyId.isEmpty() || signature == null || expires == null) {
            throw new S3Exception(403, "AccessDenied",
                    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires.trim());
        } catch (NumberFormatException e) {
            throw new S3Exception(403, "AccessDenied", "Invalid date (should be seconds since epoch): " + expires);
        }
        return SignedRequest.legacyPresigned(accessKeyId, signature, expiresAt);
    }

    /** Method, Content-MD5, Content-Type, Expires, the x-amz-* headers, then {@code resourcePath} and its sub-resources. */
    static String stringToSign(String method, String resourcePath, List<Map.Entry<String, String>> query, MultiMap headers,
                               long expiresAt) {
        StringBuilder out = new StringBuilder(256).append(method).append('\n')
                .append(nullToEmpty(headers.get("Content-MD5"))).append('\n')
                .append(nullToEmpty(headers.get("Content-Type"))).append('\n')
                .append(expiresAt).append('\n');
        TreeMap<String, List<String>> amz = new TreeMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-amz-")) {
                amz.computeIfAbsent(name, k -> new ArrayList<>()).add(h.getValue().trim());
            }
        }
        amz.forEach((name, values) -> out.append(name).append(':').append(String.join(",", values)).append('\n'));
        out.append(resourcePath);
        TreeMap<String, String> sub = new TreeMap<>();
        for (Map.Entry<String, String> e : query) {
            if (SUB_RESOURCES.contains(e.getKey())) {
                sub.put(e.getKey(), e.getValue());
            }
        }
        char sep = '?';
        for (Map.Entry<String, String> e : sub.entrySet()) {
            out.append(sep).append(e.getKey());
            if (e.getValue() != null && !e.getValue().isEmpty()) {
                out.append('=').append(e.getValue());
            }
            sep = '&';
        }
        return out.toString();
    }

    /** Base64 of HMAC-SHA1 over the string to sign. */
    static String sign(String secret, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison; base64 is case-sensitive (unlike SigV4's hex, see {@link SigV4#matches}). */
    static boolean matches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s.trim();
    }

    private static String param(List<Map.Entry<String, String>> query, String name) {
        for (Map.Entry<String, String> e : query) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
