package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.s3.S3Xml;
import io.tuneops.storage.s3.SigV4;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** ListBuckets, HeadBucket, GetBucketLocation/Versioning, ListObjects V1 and V2, ListObjectVersions. */
@ApplicationScoped
class ListOperations {

    enum Flavour { V1, V2, VERSIONS }

    /** One listing page: objects and common prefixes in key order, and whether more follow. */
    record Page(List<ObjectRow> contents, List<String> prefixes, boolean truncated, String last) {
    }

    private final StorageConfig config;
    private final ObjectRepository objects;
    private final Instant created = Instant.parse("2026-01-01T00:00:00Z");

    ListOperations(StorageConfig config, ObjectRepository objects) {
        this.config = config;
        this.objects = objects;
    }

    Uni<Void> listBuckets(S3Call call) {
        // an upload credential sees its own bucket; administrators see the one there is
        String bucket = call.credential() != null ? call.credential().bucket() : config.bucket();
        S3Xml xml = S3Xml.root("ListAllMyBucketsResult").open("Owner").el("ID", owner(call)).el("DisplayName", owner(call))
                .close("Owner").open("Buckets");
        if (bucket.equals(config.bucket())) {
            xml.open("Bucket").el("Name", bucket).el("CreationDate", S3Xml.time(created)).close("Bucket");
        }
        ObjectOperations.xml(call, 200, xml.close("Buckets").end("ListAllMyBucketsResult"));
        return Uni.createFrom().voidItem();
    }

    Uni<Void> headBucket(S3Call call) {
        checkBucket(call);
        call.response().setStatusCode(200).putHeader("x-amz-bucket-region", region(call)).end();
        return Uni.createFrom().voidItem();
    }

    Uni<Void> location(S3Call call) {
        checkBucket(call);
        ObjectOperations.xml(call, 200, S3Xml.DECLARATION + "<LocationConstraint xmlns=\"" + S3Xml.NS + "\"/>");
        return Uni.createFrom().voidItem();
    }

    Uni<Void> versioning(S3Call call) {
        checkBucket(call);
        ObjectOperations.xml(call, 200, S3Xml.DECLARATION + "<VersioningConfiguration xmlns=\"" + S3Xml.NS + "\"/>");
        return Uni.createFrom().voidItem();
    }

    private void checkBucket(S3Call call) {
        if (call.credential() != null && !call.credential().bucket().equals(call.bucket)) {
            throw S3Exception.accessDenied();
        }
        if (!config.bucket().equals(call.bucket)) {
            throw S3Exception.noSuchBucket(call.bucket);
        }
    }

    Uni<Void> listObjects(S3Call call, Flavour flavour) {
        String prefix = call.param("prefix") == null ? "" : call.param("prefix");
        String delimiter = call.param("delimiter") == null ? "" : call.param("delimiter");
        int maxKeys = call.intParam("max-keys", 1000, 0, 1000);
        boolean url = "url".equals(call.param("encoding-type"));
        if (call.param("encoding-type") != null && !url) {
            throw S3Exception.invalidArgument("Invalid Encoding Method specified in Request");
        }
        String scope = call.listScope(call.bucket, prefix);
        checkBucket(call);
        String after;
        String token = call.param("continuation-token");
        String startAfter = call.param("start-after");
        switch (flavour) {
            case V2 -> {
                if (token != null) {
                    try {
                        after = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        throw S3Exception.invalidArgument("The continuation token provided is incorrect");
                    }
                } else {
                    after = startAfter;
                }
            }
            case V1 -> after = call.param("marker");
            default -> after = call.param("key-marker");
        }
        if (after != null && after.isEmpty()) {
            after = null;
        }
        String from = after;
        return page(call.bucket, prefix, scope, delimiter, from, maxKeys).invoke(page -> {
            S3Xml xml;
            String root;
            switch (flavour) {
                case V2 -> {
                    root = "ListBucketResult";
                    xml = S3Xml.root(root).el("Name", call.bucket).el("Prefix", enc(prefix, url))
                            .el("Delimiter", delimiter.isEmpty() ? null : enc(delimiter, url))
                            .el("MaxKeys", maxKeys).el("KeyCount", page.contents().size() + page.prefixes().size())
                            .el("IsTruncated", page.truncated())
                            .el("EncodingType", url ? "url" : null)
                            .el("ContinuationToken", token)
                            .el("NextContinuationToken", page.truncated()
                                    ? Base64.getUrlEncoder().withoutPadding().encodeToString(page.last().getBytes(StandardCharsets.UTF_8)) : null)
                            .el("StartAfter", startAfter == null ? null : enc(startAfter, url));
                }
                case V1 -> {
                    root = "ListBucketResult";
                    xml = S3Xml.root(root).el("Name", call.bucket).el("Prefix", enc(prefix, url))
                            .el("Marker", from == null ? "" : enc(from, url))
                            .el("NextMarker", page.truncated() ? enc(page.last(), url) : null)
                            .el("MaxKeys", maxKeys)
                            .el("Delimiter", delimiter.isEmpty() ? null : enc(delimiter, url))
                            .el("IsTruncated", page.truncated())
                            .el("EncodingType", url ? "url" : null);
                }
                default -> {
                    root = "ListVersionsResult";
                    xml = S3Xml.root(root).el("Name", call.bucket).el("Prefix", enc(prefix, url))
                            .el("KeyMarker", from == null ? "" : enc(from, url)).el("VersionIdMarker", "")
                            .el("NextKeyMarker", page.truncated() ? enc(page.last(), url) : null)
                            .el("NextVersionIdMarker", page.truncated() ? "null" : null)
                            .el("MaxKeys", maxKeys)
                            .el("Delimiter", delimiter.isEmpty() ? null : enc(delimiter, url))
                            .el("IsTruncated", page.truncated())
                            .el("EncodingType", url ? "url" : null);
                }
            }
            boolean owner = flavour != Flavour.V2 || "true".equals(call.param("fetch-owner"));
            for (ObjectRow o : page.contents()) {
                String element = flavour == Flavour.VERSIONS ? "Version" : "Contents";
                xml.open(element).el("Key", enc(o.key(), url));
                if (flavour == Flavour.VERSIONS) {
                    xml.el("VersionId", "null").el("IsLatest", true);
                }
                xml.el("LastModified", S3Xml.time(o.lastModified())).el("ETag", S3Xml.quoted(o.etag()));
                if (o.checksumAlgorithm() != null) {
                    xml.el("ChecksumAlgorithm", o.checksumAlgorithm());
                    xml.el("ChecksumType", o.checksumType());
                }
                xml.el("Size", o.size()).el("StorageClass", "STANDARD");
                if (owner) {
                    xml.open("Owner").el("ID", "tuneops").el("DisplayName", "tuneops").close("Owner");
                }
                xml.close(element);
            }
            for (String p : page.prefixes()) {
                xml.open("CommonPrefixes").el("Prefix", enc(p, url)).close("CommonPrefixes");
            }
            ObjectOperations.xml(call, 200, xml.end(root));
        }).replaceWithVoid();
    }

    /**
     * Reads one page: keys under {@code scope} (the listed prefix, possibly narrowed to the
     * caller's own), after {@code after}, grouped into common prefixes at the first
     * {@code delimiter} past {@code prefix}. A common prefix counts as one entry and is skipped
     * over in one query, however many keys it holds.
     */
    Uni<Page> page(String bucket, String prefix, String scope, String delimiter, String after, int maxKeys) {
        List<ObjectRow> contents = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        if (maxKeys == 0) {
            return Uni.createFrom().item(new Page(contents, prefixes, false, null));
        }
        String from = after;
        boolean inclusive = false;
        if (after != null && !delimiter.isEmpty() && after.startsWith(prefix) && after.endsWith(delimiter)
                && after.indexOf(delimiter, prefix.length()) == after.length() - delimiter.length()) {
            // the marker is a common prefix returned before: continue after everything under it
            from = ObjectRepository.upperBound(after);
            inclusive = true;
        }
        return fill(bucket, prefix, scope, delimiter, from, inclusive, maxKeys, contents, prefixes, 0);
    }

    private Uni<Page> fill(String bucket, String prefix, String scope, String delimiter, String from, boolean inclusive, int maxKeys,
                           List<ObjectRow> contents, List<String> prefixes, int round) {
        int batch = maxKeys + 1 - contents.size() - prefixes.size();
        return objects.list(bucket, scope, from, inclusive, batch).flatMap(rows -> {
            String last = null;
            for (ObjectRow row : rows) {
                int at = delimiter.isEmpty() ? -1 : row.key().indexOf(delimiter, prefix.length());
                String entry = at < 0 ? row.key() : row.key().substring(0, at + delimiter.length());
                if (contents.size() + prefixes.size() == maxKeys) {
                    return Uni.createFrom().item(new Page(contents, prefixes, true, lastEntry(contents, prefixes)));
                }
                if (at < 0) {
                    contents.add(row);
                    last = row.key();
                } else {
                    prefixes.add(entry);
                    String next = ObjectRepository.upperBound(entry);
                    if (next == null) {
                        return Uni.createFrom().item(new Page(contents, prefixes, false, null));
                    }
                    // everything else under this common prefix is skipped with a fresh query
                    return fill(bucket, prefix, scope, delimiter, next, true, maxKeys, contents, prefixes, round + 1);
                }
            }
            if (rows.size() < batch) {
                return Uni.createFrom().item(new Page(contents, prefixes, false, null));
            }
            return fill(bucket, prefix, scope, delimiter, last, false, maxKeys, contents, prefixes, round + 1);
        });
    }

    private static String lastEntry(List<ObjectRow> contents, List<String> prefixes) {
        String a = contents.isEmpty() ? null : contents.get(contents.size() - 1).key();
        String b = prefixes.isEmpty() ? null : prefixes.get(prefixes.size() - 1);
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) > 0 ? a : b;
    }

    private static String enc(String value, boolean url) {
        return url ? SigV4.encode(value.getBytes(StandardCharsets.UTF_8), false) : value;
    }

    private static String owner(S3Call call) {
        return call.credential() != null ? call.credential().jobId() : call.admin;
    }

    private static String region(S3Call call) {
        return call.signed != null ? call.signed.request().region() : "us-east-1";
    }
}
