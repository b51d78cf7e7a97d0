package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.MultipartRepository;
import io.tuneops.storage.repository.MultipartRepository.Part;
import io.tuneops.storage.repository.MultipartRepository.Upload;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.service.Checksums;
import io.tuneops.storage.service.ObjectKeys;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.S3Exception;
import io.tuneops.storage.service.StorageMeters;
import io.tuneops.storage.service.SigV4;
import io.tuneops.storage.service.UploadEvents;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Multipart uploads: parts are files under the upload's directory, recorded in PostgreSQL;
 * completion concatenates them on a worker thread into a temporary file that is fsynced and
 * renamed into place, and the object row replaces the upload in one transaction. ETag:
 * MD5 of the parts' binary MD5s, "-N".
 */
@ApplicationScoped
class MultipartOperations {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_COMPLETE_BODY = 4 * 1024 * 1024;

    private final StorageConfig config;
    private final MultipartRepository uploads;
    private final ObjectRepository objects;
    private final ObjectStore store;
    private final Uploads bodies;
    private final UploadEvents events;
    private final Vertx vertx;
    private final StorageMeters meters;

    MultipartOperations(StorageConfig config, MultipartRepository uploads, ObjectRepository objects, ObjectStore store,
                        Uploads bodies, UploadEvents events, Vertx vertx, StorageMeters meters) {
        this.meters = meters;
        this.config = config;
        this.uploads = uploads;
        this.objects = objects;
        this.store = store;
        this.bodies = bodies;
        this.events = events;
        this.vertx = vertx;
    }

    Uni<Void> create(S3Call call) {
        ObjectOperations.writable(config, call);
        String algorithmHeader = call.headers().get("x-amz-checksum-algorithm");
        Checksums.Algorithm algorithm = null;
        if (algorithmHeader != null) {
            algorithm = Checksums.Algorithm.parse(algorithmHeader)
                    .orElseThrow(() -> S3Exception.invalidRequest("Checksum algorithm provided is unsupported."));
        }
        String type = call.headers().get("x-amz-checksum-type");
        if (type != null) {
            type = type.trim().toUpperCase(Locale.ROOT);
            if (!type.equals("COMPOSITE") && !type.equals("FULL_OBJECT")) {
                throw S3Exception.invalidRequest("Value for x-amz-checksum-type header is invalid.");
            }
        } else if (algorithm != null) {
            type = algorithm == Checksums.Algorithm.CRC64NVME ? "FULL_OBJECT" : "COMPOSITE";
        }
        if (algorithm == null && type != null) {
            algorithm = Checksums.Algorithm.CRC64NVME;
        }
        if ("COMPOSITE".equals(type) && algorithm == Checksums.Algorithm.CRC64NVME) {
            throw S3Exception.invalidRequest("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
        }
        String uploadId = newUploadId();
        Checksums.Algorithm a = algorithm;
        String t = type;
        Upload upload = new Upload(uploadId, call.bucket, call.key, call.jobId(), Uploads.contentType(call.headers()),
                algorithm == null ? null : algorithm.name(), type, Uploads.storedHeaders(call.headers()), null);
        return uploads.create(upload).invoke(() -> {
            if (a != null) {
                call.response().putHeader("x-amz-checksum-algorithm", a.name()).putHeader("x-amz-checksum-type", t);
            }
            ObjectOperations.xml(call, 200, S3Xml.root("InitiateMultipartUploadResult").el("Bucket", call.bucket)
                    .el("Key", call.key).el("UploadId", uploadId).end("InitiateMultipartUploadResult"));
        });
    }

    Uni<Void> uploadPart(S3Call call) {
        ObjectOperations.writable(config, call);
        int partNumber = partNumber(call);
        String uploadId = uploadId(call);
        Uploads.checkAnnouncedSize(call, config.maxObjectSize());
        return findUpload(call, uploadId).flatMap(upload -> {
            Checksums.Algorithm required = upload.checksumAlgorithm() == null ? null
                    : Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
            return bodies.toTempFile(call, config.maxObjectSize(), required)
                    .flatMap(received -> {
                        var r = received.result();
                        return storePart(uploadId, partNumber, received.temp(), r.size(), r.md5Hex(), r.checksum()).invoke(() -> {
                            call.response().putHeader("ETag", S3Xml.quoted(r.md5Hex()));
                            if (r.checksumAlgorithm() != null) {
                                call.response().putHeader(r.checksumAlgorithm().header(), r.checksum());
                            }
                            call.response().setStatusCode(200).end();
                        });
                    });
        });
    }

    /** Moves a received part into the upload's directory and records it; NoSuchUpload if the upload went meanwhile. */
    private Uni<Void> storePart(String uploadId, int partNumber, Path temp, long size, String etag, String checksum) {
        return UniHelper.toUni(store.publish(temp, store.partPath(uploadId, partNumber)))
                .flatMap(v -> uploads.putPart(new Part(uploadId, partNumber, size, etag, checksum, null)))
                .invoke(recorded -> {
                    if (!recorded) {
                        throw S3Exception.noSuchUpload();
                    }
                }).replaceWithVoid();
    }

    Uni<Void> uploadPartCopy(S3Call call) {
        ObjectOperations.writable(config, call);
        int partNumber = partNumber(call);
        String uploadId = uploadId(call);
        String[] source = ObjectOperations.copySource(call);
        call.requireRead(source[0], source[1]);
        if (!source[0].equals(config.bucket())) {
            throw S3Exception.noSuchBucket(source[0]);
        }
        Path sourcePath = store.objectPath(source[1]);
        return findUpload(call, uploadId).flatMap(upload -> objects.find(source[0], source[1]).flatMap(found -> {
            ObjectRow src = found.orElseThrow(() -> S3Exception.noSuchKey(source[1]));
            long offset = 0;
            long length = src.size();
            String range = call.headers().get("x-amz-copy-source-range");
            if (range != null) {
                long[] r = copyRange(range, src.size());
                offset = r[0];
                length = r[1];
            }
            if (length > config.maxObjectSize()) {
                throw new S3Exception(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");
            }
            Checksums.Algorithm algorithm = upload.checksumAlgorithm() == null ? null
                    : Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
            Uploads.proceed(call);
            return UniHelper.toUni(store.copyRange(sourcePath, offset, length, algorithm == null ? null : algorithm.newHasher()))
                    .flatMap(copied -> {
                        String etag = SigV4.hex(copied.md5());
                        return storePart(uploadId, partNumber, copied.temp(), copied.size(), etag, copied.checksum()).invoke(() -> {
                            S3Xml xml = S3Xml.root("CopyPartResult").el("ETag", S3Xml.quoted(etag))
                                    .el("LastModified", S3Xml.time(OffsetDateTime.now(ZoneOffset.UTC)));
                            if (algorithm != null) {
                                xml.el(algorithm.xmlName(), copied.checksum());
                            }
                            ObjectOperations.xml(call, 200, xml.end("CopyPartResult"));
                        });
                    });
        }));
    }

    Uni<Void> complete(S3Call call) {
        ObjectOperations.writable(config, call);
        String uploadId = uploadId(call);
        Path target = store.objectPath(call.key);
        return findUpload(call, uploadId).flatMap(upload -> bodies.toMemory(call, MAX_COMPLETE_BODY, false).flatMap(body -> {
            List<Map<String, String>> items = S3Xml.items(body, "CompleteMultipartUpload", "Part");
            List<Map<String, String>> requested = items.subList(1, items.size());
            if (requested.isEmpty()) {
                throw S3Exception.malformedXml();
            }
            if (requested.size() > config.maxParts()) {
                throw S3Exception.invalidArgument("Part number must be an integer between 1 and " + config.maxParts() + ", inclusive");
            }
            return uploads.parts(uploadId, 0, config.maxParts() + 1).flatMap(stored -> {
                Map<Integer, Part> byNumber = new LinkedHashMap<>();
                stored.forEach(p -> byNumber.put(p.partNumber(), p));
                List<Part> chosen = choose(requested, byNumber, upload);
                return assemble(call, upload, chosen, target);
            });
        }));
    }

    /** Checks the requested parts against the stored ones: order, existence, ETags, sizes, checksums. */
    private List<Part> choose(List<Map<String, String>> requested, Map<Integer, Part> stored, Upload upload) {
        List<Part> chosen = new ArrayList<>();
        int previous = 0;
        Checksums.Algorithm algorithm = upload.checksumAlgorithm() == null ? null
                : Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
        for (Map<String, String> item : requested) {
            int number;
            try {
                number = Integer.parseInt(item.getOrDefault("PartNumber", ""));
            } catch (NumberFormatException e) {
                throw S3Exception.malformedXml();
            }
            if (number <= previous) {
                throw new S3Exception(400, "InvalidPartOrder", "The list of parts was not in ascending order. "
                        + "Parts list must be specified in order by part number.");
            }
            previous = number;
            Part part = stored.get(number);
            String etag = item.getOrDefault("ETag", "").replace("\"", "").trim();
            if (part == null || !part.etag().equals(etag)) {
                throw invalidPart();
            }
            if (algorithm != null) {
                String given = item.get(algorithm.xmlName());
                if (given != null && !given.equals(part.checksumValue())) {
                    throw invalidPart();
                }
            }
            chosen.add(part);
        }
        for (int i = 0; i < chosen.size() - 1; i++) {
            if (chosen.get(i).size() < config.minPartSize()) {
                throw new S3Exception(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.");
            }
        }
        long total = chosen.stream().mapToLong(Part::size).sum();
        if (total > config.maxMultipartObjectSize()) {
            throw new S3Exception(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");
        }
        return chosen;
    }

    private Uni<Void> assemble(S3Call call, Upload upload, List<Part> parts, Path target) {
        Checksums.Algorithm algorithm = upload.checksumAlgorithm() == null ? null
                : Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
        boolean fullObject = algorithm != null && "FULL_OBJECT".equals(upload.checksumType());
        Checksums.Hasher whole = fullObject ? algorithm.newHasher() : null;
        List<Path> files = parts.stream().map(p -> store.partPath(upload.uploadId(), p.partNumber())).toList();
        String etag = multipartEtag(parts);
        long size = parts.stream().mapToLong(Part::size).sum();
        Long[] sizes = parts.stream().map(Part::size).toArray(Long[]::new);
        String declaredWhole = fullObject ? call.headers().get(algorithm.header()) : null;
        KeepAlive keepAlive = new KeepAlive(call, vertx, config.completeKeepAlive(), meters);
        return UniHelper.toUni(store.concatenate(files, whole))
                .flatMap(temp -> {
                    String checksum = null;
                    if (fullObject) {
                        checksum = whole.base64();
                        if (declaredWhole != null && !declaredWhole.trim().equals(checksum)) {
                            return UniHelper.toUni(store.deleteFile(temp)).replaceWith(Uni.createFrom().<String>failure(
                                    S3Exception.badDigest("The " + algorithm.name() + " you specified did not match the calculated checksum.")));
                        }
                    } else if (algorithm != null && parts.stream().allMatch(p -> p.checksumValue() != null)) {
                        checksum = Checksums.composite(algorithm, parts.stream().map(Part::checksumValue).toList(), parts.size());
                    }
                    String value = checksum;
                    ObjectRow row = new ObjectRow(upload.bucket(), upload.key(), size, etag, upload.contentType(),
                            value == null ? null : algorithm.name(), value, value == null ? null : upload.checksumType(),
                            upload.headers(), parts.size(), sizes, null);
                    // the upload ends, the file moves into place and the row is written as one step
                    return objects.underKeyLock(upload.bucket(), upload.key(), tx -> uploads.finish(tx, upload.uploadId())
                                    .flatMap(present -> {
                                        if (!present) {
                                            throw S3Exception.noSuchUpload();
                                        }
                                        return UniHelper.toUni(store.publish(temp, target)).flatMap(v -> objects.upsert(tx, row));
                                    }))
                            .onFailure().call(() -> UniHelper.toUni(store.deleteFile(temp)))
                            .replaceWith(value);
                })
                .call(() -> UniHelper.toUni(store.deleteRecursive(store.uploadDirectory(upload.uploadId()))))
                .call(() -> events.completed(call.credential(), call.clientIp(), upload.bucket(), upload.key(), size, etag,
                        "complete_multipart_upload"))
                .invoke(value -> {
                    S3Xml xml = S3Xml.root("CompleteMultipartUploadResult").el("Location", locationOf(call))
                            .el("Bucket", upload.bucket()).el("Key", upload.key()).el("ETag", S3Xml.quoted(etag));
                    if (value != null) {
                        xml.el(algorithm.xmlName(), value).el("ChecksumType", upload.checksumType());
                    }
                    keepAlive.succeed(xml.end("CompleteMultipartUploadResult"));
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(keepAlive::fail);
    }

    Uni<Void> abort(S3Call call) {
        ObjectOperations.writable(config, call);
        String uploadId = uploadId(call);
        return findUpload(call, uploadId)
                .flatMap(upload -> uploads.abort(uploadId))
                .flatMap(removed -> {
                    if (!removed) {
                        throw S3Exception.noSuchUpload();
                    }
                    return UniHelper.toUni(store.deleteRecursive(store.uploadDirectory(uploadId)));
                })
                .invoke(() -> call.response().setStatusCode(204).end());
    }

    Uni<Void> listParts(S3Call call) {
        ObjectOperations.writable(config, call);
        String uploadId = uploadId(call);
        int max = call.intParam("max-parts", 1000, 0, 1000);
        int marker = call.intParam("part-number-marker", 0, 0, Integer.MAX_VALUE);
        return findUpload(call, uploadId).flatMap(upload -> uploads.parts(uploadId, marker, max + 1).invoke(parts -> {
            boolean truncated = parts.size() > max;
            List<Part> page = truncated ? parts.subList(0, max) : parts;
            Checksums.Algorithm algorithm = upload.checksumAlgorithm() == null ? null
                    : Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
            S3Xml xml = S3Xml.root("ListPartsResult").el("Bucket", upload.bucket()).el("Key", upload.key())
                    .el("UploadId", uploadId)
                    .open("Initiator").el("ID", upload.jobId()).el("DisplayName", upload.jobId()).close("Initiator")
                    .open("Owner").el("ID", upload.jobId()).el("DisplayName", upload.jobId()).close("Owner")
                    .el("StorageClass", "STANDARD").el("PartNumberMarker", marker)
                    .el("NextPartNumberMarker", page.isEmpty() ? marker : page.get(page.size() - 1).partNumber())
                    .el("MaxParts", max).el("IsTruncated", truncated)
                    .el("ChecksumAlgorithm", algorithm == null ? null : algorithm.name())
                    .el("ChecksumType", upload.checksumType());
            for (Part p : page) {
                xml.open("Part").el("PartNumber", p.partNumber()).el("LastModified", S3Xml.time(p.lastModified()))
                        .el("ETag", S3Xml.quoted(p.etag())).el("Size", p.size());
                if (algorithm != null && p.checksumValue() != null) {
                    xml.el(algorithm.xmlName(), p.checksumValue());
                }
                xml.close("Part");
            }
            ObjectOperations.xml(call, 200, xml.end("ListPartsResult"));
        })).replaceWithVoid();
    }

    Uni<Void> listUploads(S3Call call) {
        String prefix = call.param("prefix") == null ? "" : call.param("prefix");
        String delimiter = call.param("delimiter") == null ? "" : call.param("delimiter");
        String scope = call.listScope(call.bucket, prefix);
        if (call.admin != null) {
            throw S3Exception.accessDenied();
        }
        ObjectOperations.requireBucket(config, call);
        int max = call.intParam("max-uploads", 1000, 0, 1000);
        String keyMarker = call.param("key-marker");
        String uploadIdMarker = keyMarker == null ? null : call.param("upload-id-marker");
        return uploads.list(call.bucket, scope, keyMarker, uploadIdMarker, max + 1).invoke(list -> {
            boolean truncated = list.size() > max;
            List<Upload> page = truncated ? list.subList(0, max) : list;
            S3Xml xml = S3Xml.root("ListMultipartUploadsResult").el("Bucket", call.bucket)
                    .el("KeyMarker", keyMarker == null ? "" : keyMarker).el("UploadIdMarker", uploadIdMarker == null ? "" : uploadIdMarker)
                    .el("NextKeyMarker", truncated ? page.get(page.size() - 1).key() : null)
                    .el("NextUploadIdMarker", truncated ? page.get(page.size() - 1).uploadId() : null)
                    .el("Prefix", prefix).el("Delimiter", delimiter.isEmpty() ? null : delimiter)
                    .el("MaxUploads", max).el("IsTruncated", truncated);
            List<String> prefixes = new ArrayList<>();
            for (Upload u : page) {
                int at = delimiter.isEmpty() ? -1 : u.key().indexOf(delimiter, prefix.length());
                if (at >= 0) {
                    String cp = u.key().substring(0, at + delimiter.length());
                    if (!prefixes.contains(cp)) {
                        prefixes.add(cp);
                    }
                    continue;
                }
                xml.open("Upload").el("Key", u.key()).el("UploadId", u.uploadId())
                        .open("Initiator").el("ID", u.jobId()).el("DisplayName", u.jobId()).close("Initiator")
                        .open("Owner").el("ID", u.jobId()).el("DisplayName", u.jobId()).close("Owner")
                        .el("StorageClass", "STANDARD").el("Initiated", S3Xml.time(u.initiated()))
                        .el("ChecksumAlgorithm", u.checksumAlgorithm()).el("ChecksumType", u.checksumType())
                        .close("Upload");
            }
            for (String cp : prefixes) {
                xml.open("CommonPrefixes").el("Prefix", cp).close("CommonPrefixes");
            }
            ObjectOperations.xml(call, 200, xml.end("ListMultipartUploadsResult"));
        }).replaceWithVoid();
    }

    /** The upload, which must be for this bucket and key. */
    private Uni<Upload> findUpload(S3Call call, String uploadId) {
        return uploads.find(uploadId).map(found -> found
                .filter(u -> u.bucket().equals(call.bucket) && u.key().equals(call.key))
                .orElseThrow(S3Exception::noSuchUpload));
    }

    private int partNumber(S3Call call) {
        String raw = call.param("partNumber");
        if (raw == null || call.param("uploadId") == null) {
            throw S3Exception.invalidRequest("UploadPart needs both partNumber and uploadId");
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= config.maxParts()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw S3Exception.invalidArgument("Part number must be an integer between 1 and " + config.maxParts() + ", inclusive");
    }

    private static String uploadId(S3Call call) {
        String id = call.param("uploadId");
        if (id == null || !id.matches("[0-9a-f]{32}")) {
            throw S3Exception.noSuchUpload();
        }
        return id;
    }

    private static S3Exception invalidPart() {
        return new S3Exception(400, "InvalidPart", "One or more of the specified parts could not be found. "
                + "The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
    }

    static String multipartEtag(List<Part> parts) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            ByteArrayOutputStream all = new ByteArrayOutputStream(parts.size() * 16);
            for (Part p : parts) {
                all.writeBytes(HexFormat.of().parseHex(p.etag()));
            }
            return SigV4.hex(md5.digest(all.toByteArray())) + "-" + parts.size();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String locationOf(S3Call call) {
        String host = call.headers().get("Host");
        return (host == null ? "" : "http://" + host) + call.rawPath;
    }

    private static String newUploadId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static long[] copyRange(String header, long size) {
        String h = header.trim();
        if (!h.matches("bytes=\\d+-\\d+")) {
            throw S3Exception.invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy");
        }
        String[] ab = h.substring(6).split("-");
        long first = Long.parseLong(ab[0]);
        long last = Long.parseLong(ab[1]);
        if (first > last || last >= size) {
            throw new S3Exception(416, "InvalidRange", "The requested range is not satisfiable");
        }
        return new long[]{first, last - first + 1};
    }

}
