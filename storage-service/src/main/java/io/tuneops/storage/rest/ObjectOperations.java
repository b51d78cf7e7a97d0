package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.service.Checksums;
import io.tuneops.storage.service.ObjectKeys;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.S3Exception;
import io.tuneops.storage.service.StorageMeters;
import io.tuneops.storage.service.SigV4;
import io.tuneops.storage.service.UploadEvents;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** PutObject, GetObject (ranges, conditions), HeadObject, DeleteObject, DeleteObjects, CopyObject. */
@ApplicationScoped
class ObjectOperations {

    private static final int MAX_XML_BODY = 2 * 1024 * 1024;

    private final StorageConfig config;
    private final ObjectRepository objects;
    private final ObjectStore store;
    private final Uploads uploads;
    private final UploadEvents events;
    private final StorageMeters meters;

    ObjectOperations(StorageConfig config, ObjectRepository objects, ObjectStore store, Uploads uploads, UploadEvents events,
                     StorageMeters meters) {
        this.meters = meters;
        this.config = config;
        this.objects = objects;
        this.store = store;
        this.uploads = uploads;
        this.events = events;
    }

    Uni<Void> put(S3Call call) {
        writable(config, call);
        Path target = store.objectPath(call.key);
        Uploads.checkAnnouncedSize(call, config.maxObjectSize());
        String contentType = Uploads.contentType(call.headers());
        JsonObject headers = Uploads.storedHeaders(call.headers());
        return uploads.toTempFile(call, config.maxObjectSize(), null)
                .flatMap(received -> {
                    var r = received.result();
                    ObjectRow row = new ObjectRow(call.bucket, call.key, r.size(), r.md5Hex(), contentType,
                            r.checksumAlgorithm() == null ? null : r.checksumAlgorithm().name(), r.checksum(),
                            r.checksumAlgorithm() == null ? null : "FULL_OBJECT", headers, null, null, null);
                    return publish(received.temp(), target, row)
                            .call(() -> events.completed(call.credential(), call.clientIp(), call.bucket, call.key, r.size(), r.md5Hex(), "put"))
                            .invoke(() -> {
                                HttpServerResponse response = call.response().putHeader("ETag", S3Xml.quoted(r.md5Hex()));
                                if (r.checksumAlgorithm() != null) {
                                    response.putHeader(r.checksumAlgorithm().header(), r.checksum())
                                            .putHeader("x-amz-checksum-type", "FULL_OBJECT");
                                }
                                response.setStatusCode(200).end();
                            });
                });
    }

    /** GetObject and HeadObject. */
    Uni<Void> get(S3Call call, boolean head) {
        ObjectKeys.validate(call.key);
        call.requireRead(call.bucket, call.key);
        requireBucket(config, call);
        Path path = store.objectPath(call.key);
        // the row and the open file are read together under the key's shared lock, so they match
        // even if the key is overwritten while the body streams
        return objects.underSharedKeyLock(call.bucket, call.key, tx -> objects.find(tx, call.bucket, call.key).flatMap(found -> {
                    ObjectRow o = found.orElseThrow(() -> S3Exception.noSuchKey(call.key));
                    if (head || o.size() == 0) {
                        return Uni.createFrom().item(new Opened(o, null));
                    }
                    return UniHelper.toUni(store.openForRead(path)).map(file -> new Opened(o, file))
                            .onFailure().transform(e -> S3Exception.noSuchKey(call.key));
                }))
                .flatMap(opened -> {
                    try {
                        return respond(call, opened.row(), opened.file(), head)
                                .eventually(() -> close(opened.file()));
                    } catch (RuntimeException e) {
                        close(opened.file());
                        throw e;
                    }
                });
    }

    private record Opened(ObjectRow row, AsyncFile file) {
    }

    private static Uni<Void> close(AsyncFile file) {
        return file == null ? Uni.createFrom().voidItem() : UniHelper.toUni(file.close()).onFailure().recoverWithNull();
    }

    private Uni<Void> respond(S3Call call, ObjectRow o, AsyncFile file, boolean head) {
        HttpServerResponse response = call.response();
        int status = conditions(call, o);
        if (status == 304) {
            response.putHeader("ETag", S3Xml.quoted(o.etag())).putHeader("Last-Modified", httpDate(o.lastModified()))
                    .setStatusCode(304).end();
            return Uni.createFrom().voidItem();
        }
        long offset = 0;
        long length = o.size();
        boolean partial = false;
        String partNumber = call.param("partNumber");
        if (partNumber != null) {
            long[] part = partRange(o, partNumber);
            offset = part[0];
            length = part[1];
            partial = o.partsCount() != null;
            response.putHeader("x-amz-mp-parts-count", Integer.toString(o.partsCount() == null ? 1 : o.partsCount()));
        } else {
            String range = call.headers().get("Range");
            long[] r = range == null ? null : range(range, o.size());
            if (r != null) {
                offset = r[0];
                length = r[1];
                partial = true;
            }
        }
        objectHeaders(response, o);
        if (partial) {
            response.setStatusCode(206).putHeader("Content-Range",
                    "bytes " + offset + "-" + (offset + length - 1) + "/" + o.size());
        } else {
            response.setStatusCode(200);
            if (o.checksumAlgorithm() != null && "ENABLED".equalsIgnoreCase(call.headers().get("x-amz-checksum-mode"))) {
                Checksums.Algorithm.parse(o.checksumAlgorithm()).ifPresent(a -> response.putHeader(a.header(), o.checksumValue()));
                if (o.checksumType() != null) {
                    response.putHeader("x-amz-checksum-type", o.checksumType());
                }
            }
        }
        overrides(call, response);
        response.putHeader("Content-Length", Long.toString(length));
        if (head || length == 0) {
            response.end();
            return Uni.createFrom().voidItem();
        }
        file.setReadPos(offset).setReadLength(length);
        long sent = length;
        return UniHelper.toUni(file.pipeTo(response)).invoke(() -> meters.sent(sent));
    }

    Uni<Void> delete(S3Call call) {
        writable(config, call);
        Path path = store.objectPath(call.key);
        return deleteOne(call.bucket, call.key, path).invoke(() -> call.response().setStatusCode(204).end());
    }

    private Uni<Void> deleteOne(String bucket, String key, Path path) {
        return objects.underKeyLock(bucket, key, tx -> objects.delete(tx, bucket, key)
                .flatMap(deleted -> deleted.isEmpty() ? Uni.createFrom().voidItem() : UniHelper.toUni(store.deleteFile(path))));
    }

    /** Moves the sealed temporary file into place and writes the row, under the key's lock. */
    private Uni<Void> publish(Path temp, Path target, ObjectRow row) {
        return objects.underKeyLock(row.bucket(), row.key(),
                tx -> UniHelper.toUni(store.publish(temp, target)).flatMap(v -> objects.upsert(tx, row)));
    }

    Uni<Void> deleteObjects(S3Call call) {
        if (call.signed == null) {
            throw S3Exception.accessDenied();
        }
        requireBucket(config, call);
        boolean hasDigest = call.headers().contains("Content-MD5") || call.headers().contains("x-amz-trailer")
                || call.headers().names().stream().anyMatch(n -> n.toLowerCase().startsWith("x-amz-checksum-")
                || n.equalsIgnoreCase("x-amz-sdk-checksum-algorithm"));
        if (!hasDigest) {
            throw S3Exception.invalidRequest("Missing required header for this request: Content-MD5 or x-amz-checksum-*");
        }
        return uploads.toMemory(call, MAX_XML_BODY, true).flatMap(body -> {
            List<Map<String, String>> items = S3Xml.items(body, "Delete", "Object");
            boolean quiet = "true".equalsIgnoreCase(items.get(0).get("Quiet"));
            List<Map<String, String>> keys = items.subList(1, items.size());
            if (keys.isEmpty() || keys.size() > 1000) {
                throw S3Exception.malformedXml();
            }
            List<String[]> errors = new ArrayList<>();
            List<String> deleted = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Map<String, String> item : keys) {
                String key = item.get("Key");
                chain = chain.flatMap(v -> {
                    try {
                        ObjectKeys.validate(key);
                        call.requireWrite(call.bucket, key);
                    } catch (S3Exception e) {
                        errors.add(new String[]{key, e.code(), e.getMessage()});
                        return Uni.createFrom().voidItem();
                    }
                    return deleteOne(call.bucket, key, store.objectPath(key)).invoke(() -> deleted.add(key))
                            .onFailure().recoverWithUni(e -> {
                                errors.add(new String[]{key, "InternalError", "We encountered an internal error. Please try again."});
                                return Uni.createFrom().voidItem();
                            });
                });
            }
            return chain.invoke(() -> {
                S3Xml xml = S3Xml.root("DeleteResult");
                if (!quiet) {
                    for (String key : deleted) {
                        xml.open("Deleted").el("Key", key).close("Deleted");
                    }
                }
                for (String[] e : errors) {
                    xml.open("Error").el("Key", e[0]).el("Code", e[1]).el("Message", e[2]).close("Error");
                }
                xml(call, 200, xml.end("DeleteResult"));
            });
        });
    }

    Uni<Void> copy(S3Call call) {
        writable(config, call);
        String[] source = copySource(call);
        call.requireRead(source[0], source[1]);
        if (!source[0].equals(config.bucket())) {
            throw S3Exception.noSuchBucket(source[0]);
        }
        Path target = store.objectPath(call.key);
        Path sourcePath = store.objectPath(source[1]);
        boolean replace = "REPLACE".equalsIgnoreCase(call.headers().get("x-amz-metadata-directive"));
        return objects.find(source[0], source[1]).flatMap(found -> {
            ObjectRow src = found.orElseThrow(() -> S3Exception.noSuchKey(source[1]));
            if (src.size() > config.maxObjectSize()) {
                throw S3Exception.invalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: "
                        + config.maxObjectSize());
            }
            if (!replace && source[1].equals(call.key)) {
                throw S3Exception.invalidRequest("This copy request is illegal because it is trying to copy an object to itself "
                        + "without changing the object's metadata, storage class, website redirect location or encryption attributes.");
            }
            Checksums.Algorithm algorithm = Checksums.Algorithm.parse(call.headers().get("x-amz-checksum-algorithm"))
                    .or(() -> Checksums.Algorithm.parse(src.checksumAlgorithm())).orElse(null);
            Uploads.proceed(call);
            return UniHelper.toUni(store.copyRange(sourcePath, 0, src.size(), algorithm == null ? null : algorithm.newHasher()))
                    .flatMap(copied -> {
                        String etag = SigV4.hex(copied.md5());
                        ObjectRow row = new ObjectRow(call.bucket, call.key, copied.size(), etag,
                                replace ? Uploads.contentType(call.headers()) : src.contentType(),
                                algorithm == null ? null : algorithm.name(), copied.checksum(), algorithm == null ? null : "FULL_OBJECT",
                                replace ? Uploads.storedHeaders(call.headers()) : src.headers(), null, null, null);
                        return publish(copied.temp(), target, row)
                                .call(() -> events.completed(call.credential(), call.clientIp(), call.bucket, call.key, copied.size(),
                                        etag, "copy"))
                                .invoke(() -> {
                            S3Xml xml = S3Xml.root("CopyObjectResult").el("ETag", S3Xml.quoted(etag))
                                    .el("LastModified", S3Xml.time(OffsetDateTime.now(ZoneOffset.UTC)));
                            if (algorithm != null) {
                                xml.el(algorithm.xmlName(), copied.checksum());
                            }
                            xml(call, 200, xml.end("CopyObjectResult"));
                        });
                    });
        });
    }

    /** x-amz-copy-source: [/]bucket/key[?versionId=null], URL-encoded; {bucket, key}. */
    static String[] copySource(S3Call call) {
        String raw = call.headers().get("x-amz-copy-source").trim();
        int q = raw.indexOf('?');
        if (q >= 0) {
            String version = raw.substring(q + 1);
            raw = raw.substring(0, q);
            if (!version.isEmpty() && !version.equals("versionId=null")) {
                throw new S3Exception(404, "NoSuchVersion", "The specified version does not exist.");
            }
        }
        String decoded;
        try {
            decoded = SigV4.decodeUtf8(SigV4.percentDecode(raw, false));
        } catch (IllegalArgumentException e) {
            throw S3Exception.invalidArgument("Invalid copy source encoding");
        }
        if (decoded.startsWith("/")) {
            decoded = decoded.substring(1);
        }
        int slash = decoded.indexOf('/');
        if (slash <= 0 || slash == decoded.length() - 1) {
            throw S3Exception.invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        String key = decoded.substring(slash + 1);
        ObjectKeys.validate(key);
        return new String[]{decoded.substring(0, slash), key};
    }

    /** The key is valid, the caller's credential covers it, and the bucket exists. */
    static void writable(StorageConfig config, S3Call call) {
        ObjectKeys.validate(call.key);
        call.requireWrite(call.bucket, call.key);
        requireBucket(config, call);
    }

    static void requireBucket(StorageConfig config, S3Call call) {
        if (!config.bucket().equals(call.bucket)) {
            throw S3Exception.noSuchBucket(call.bucket);
        }
    }

    static void xml(S3Call call, int status, String body) {
        call.response().setStatusCode(status).putHeader("Content-Type", "application/xml").end(body);
    }

    static void objectHeaders(HttpServerResponse response, ObjectRow o) {
        response.putHeader("ETag", S3Xml.quoted(o.etag()))
                .putHeader("Last-Modified", httpDate(o.lastModified()))
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("Content-Type", o.contentType());
        for (Map.Entry<String, Object> h : o.headers()) {
            response.putHeader(h.getKey(), String.valueOf(h.getValue()));
        }
    }

    /** response-content-type and friends on GET (presigned downloads use them). */
    private static void overrides(S3Call call, HttpServerResponse response) {
        String[][] map = {{"response-content-type", "Content-Type"}, {"response-content-disposition", "Content-Disposition"},
                {"response-cache-control", "Cache-Control"}, {"response-content-encoding", "Content-Encoding"},
                {"response-content-language", "Content-Language"}, {"response-expires", "Expires"}};
        for (String[] m : map) {
            String v = call.param(m[0]);
            if (v != null) {
                response.putHeader(m[1], v);
            }
        }
    }

    static String httpDate(OffsetDateTime t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZoneSameInstant(ZoneOffset.UTC));
    }

    /** If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since: 200, 304 or PreconditionFailed. */
    private static int conditions(S3Call call, ObjectRow o) {
        String ifMatch = call.headers().get("If-Match");
        String ifNoneMatch = call.headers().get("If-None-Match");
        OffsetDateTime modified = o.lastModified().truncatedTo(ChronoUnit.SECONDS);
        if (ifMatch != null && !etagMatches(ifMatch, o.etag())) {
            throw new S3Exception(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        }
        if (ifMatch == null) {
            OffsetDateTime since = date(call.headers().get("If-Unmodified-Since"));
            if (since != null && modified.isAfter(since)) {
                throw new S3Exception(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
            }
        }
        if (ifNoneMatch != null) {
            return etagMatches(ifNoneMatch, o.etag()) ? 304 : 200;
        }
        OffsetDateTime since = date(call.headers().get("If-Modified-Since"));
        if (since != null && !modified.isAfter(since)) {
            return 304;
        }
        return 200;
    }

    private static boolean etagMatches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.replace("\"", "").equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static OffsetDateTime date(String header) {
        if (header == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A single byte range, {offset, length}; null to send the whole object (S3 ignores what it cannot parse). */
    static long[] range(String header, long size) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.contains(",")) {
            return null;
        }
        String spec = h.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long start;
            long end;
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
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
                    return null;
                }
            }
            if (start >= size) {
                throw invalidRange(size);
            }
            return new long[]{start, end - start + 1};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long[] partRange(ObjectRow o, String partNumber) {
        int n;
        try {
            n = Integer.parseInt(partNumber);
        } catch (NumberFormatException e) {
            throw S3Exception.invalidArgument("Part number must be an integer between 1 and 10000, inclusive");
        }
        Long[] sizes = o.partSizes();
        if (sizes == null || sizes.length == 0) {
            if (n != 1) {
                throw invalidPartNumber();
            }
            return new long[]{0, o.size()};
        }
        if (n < 1 || n > sizes.length) {
            throw invalidPartNumber();
        }
        long offset = 0;
        for (int i = 0; i < n - 1; i++) {
            offset += sizes[i];
        }
        return new long[]{offset, sizes[n - 1]};
    }

    private static S3Exception invalidPartNumber() {
        return new S3Exception(416, "InvalidPartNumber", "The requested partnumber is not satisfiable");
    }

    private static S3Exception invalidRange(long size) {
        return new S3Exception(416, "InvalidRange", "The requested range is not satisfiable", "bytes */" + size);
    }
}
