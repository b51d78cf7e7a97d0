package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.MultipartRepository;
import io.tuneops.storage.repository.MultipartRepository.Part;
import io.tuneops.storage.repository.MultipartRepository.Upload;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.repository.PartLocation;
import io.tuneops.storage.s3.BodyReader;
import io.tuneops.storage.s3.ByteRange;
import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.CopySource;
import io.tuneops.storage.s3.Preconditions;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.s3.S3Xml;
import io.tuneops.storage.s3.SigV4;
import io.tuneops.storage.s3.WriteSettings;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.StorageMeters;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Multipart uploads but their completion ({@link MultipartCompletion}): create, upload a part
 * (from the body or copied from an object), abort, list parts and uploads. Parts are in the
 * upload's directory, in its assembly file or in files of their own, recorded in PostgreSQL.
 */
@ApplicationScoped
class MultipartOperations {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StorageConfig config;
    private final MultipartRepository uploads;
    private final ObjectStore store;
    private final Uploads bodies;
    private final CopySources copySources;
    private final Vertx vertx;
    private final StorageMeters meters;

    MultipartOperations(StorageConfig config, MultipartRepository uploads, ObjectStore store,
                        Uploads bodies, CopySources copySources, Vertx vertx, StorageMeters meters) {
        this.copySources = copySources;
        this.vertx = vertx;
        this.meters = meters;
        this.config = config;
        this.uploads = uploads;
        this.store = store;
        this.bodies = bodies;
    }

    Uni<Void> create(S3Call call) {
        ObjectOperations.writable(config, call);
        WriteSettings.check(call.headers());
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

    /**
     * UploadPart. A part whose size is announced claims its place in the upload's assembly file
     * ({@link MultipartRepository#claim}) and is written there; any other part (its place taken,
     * of another size, sent chunked) goes into a file of its own.
     */
    Uni<Void> uploadPart(S3Call call) {
        ObjectOperations.writable(config, call);
        int partNumber = partNumber(call);
        String uploadId = uploadId(call);
        Uploads.checkAnnouncedSize(call, config.maxObjectSize());
        long length = Uploads.bodySize(call);
        return findUpload(uploads, call, uploadId).flatMap(upload -> {
            Checksums.Algorithm required = upload.checksumAlgorithm() == null ? null
                    : Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
            UUID claim = UUID.randomUUID();
            // a claim that failed (PostgreSQL away, or answering late) only sends the part into a file of its own
            Uni<Optional<Long>> place = length < 0 ? Uni.createFrom().item(Optional.empty())
                    : uploads.claim(uploadId, partNumber, length, config.minPartSize(), config.maxMultipartObjectSize(), claim)
                    .onFailure().recoverWithItem(Optional.empty());
            return place.flatMap(offset -> offset.isPresent()
                    ? uploadPlacedPart(call, uploadId, partNumber, required, length, offset.get(), claim)
                    : uploadPartFile(call, uploadId, partNumber, required));
        });
    }

    private Uni<Void> uploadPlacedPart(S3Call call, String uploadId, int partNumber, Checksums.Algorithm required, long length,
                                       long offset, UUID claim) {
        return bodies.toAssembly(call, config.maxObjectSize(), length, required, uploadId, offset)
                // nothing writes in the place any more: another attempt at the part may claim it
                .onFailure().call(() -> uploads.release(uploadId, partNumber, claim).onFailure().recoverWithNull())
                .flatMap(r -> recordPart(new Part(uploadId, partNumber, r.size(), r.md5Hex(), r.checksum(), null,
                        new PartLocation.InAssembly(claim)))
                        .invoke(() -> answerPart(call, r)));
    }

    private Uni<Void> uploadPartFile(S3Call call, String uploadId, int partNumber, Checksums.Algorithm required) {
        return bodies.toTempFile(call, config.maxObjectSize(), required)
                .call(received -> UniHelper.toUni(received.written())
                        .onFailure().call(() -> bodies.discard(received.temp(), received.written())))
                .flatMap(received -> {
                    var r = received.result();
                    return storePart(uploadId, partNumber, received.temp(), r.size(), r.md5Hex(), r.checksum())
                            .invoke(() -> answerPart(call, r));
                });
    }

    private static void answerPart(S3Call call, BodyReader.Result r) {
        call.response().putHeader("ETag", S3Xml.quoted(r.md5Hex()));
        if (r.checksumAlgorithm() != null) {
            call.response().putHeader(r.checksumAlgorithm().header(), r.checksum());
        }
        call.response().setStatusCode(200).end();
    }

    /**
     * Moves a received part into a file of its own in the upload's directory and records it;
     * NoSuchUpload if the upload went meanwhile. The file an earlier attempt at the part wrote
     * stays until the upload ends: a completion that read that attempt's row may be copying it.
     */
    private Uni<Void> storePart(String uploadId, int partNumber, Path temp, long size, String etag, String checksum) {
        UUID fileId = UUID.randomUUID();
        return UniHelper.toUni(store.publish(temp, store.partPath(uploadId, partNumber, fileId)))
                .flatMap(v -> recordPart(new Part(uploadId, partNumber, size, etag, checksum, null, new PartLocation.OwnFile(fileId))));
    }

    /** Records a part; NoSuchUpload if the upload went meanwhile. */
    private Uni<Void> recordPart(Part part) {
        return uploads.putPart(part).invoke(recorded -> {
            if (!recorded) {
                throw S3Exception.noSuchUpload();
            }
        }).replaceWithVoid();
    }

    Uni<Void> uploadPartCopy(S3Call call) {
        ObjectOperations.writable(config, call);
        int partNumber = partNumber(call);
        String uploadId = uploadId(call);
        CopySource source = call.copySource();
        call.requireRead(source.bucket(), source.key());
        if (!source.bucket().equals(config.bucket())) {
            throw S3Exception.noSuchBucket(source.bucket());
        }
        String header = call.headers().get("x-amz-copy-source-range");
        return findUpload(uploads, call, uploadId).flatMap(upload -> copySources.open(source, src -> {
            Preconditions.ofCopySource(call.headers()).requireForCopy(src.etag(), src.lastModified());
            ByteRange range = copiedRange(header, src);
            if (range.length() > config.maxObjectSize()) {
                throw new S3Exception(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");
            }
        }).flatMap(opened -> {
            ByteRange range = copiedRange(header, opened.row());
            Checksums.Algorithm algorithm = upload.checksumAlgorithm() == null ? null
                    : Checksums.Algorithm.parse(upload.checksumAlgorithm()).orElse(null);
            Uploads.proceed(call);
            // a large part copy outlasts the gateway's patience with a silent owner: S3's early 200 and spaces
            KeepAlive keepAlive = new KeepAlive(call, vertx, config.completeKeepAlive(), meters);
            return UniHelper.toUni(store.copyRange(opened.file(), range.offset(), range.length(),
                            algorithm == null ? null : algorithm.newHasher()))
                    .flatMap(copied -> {
                        String etag = SigV4.hex(copied.md5());
                        return storePart(uploadId, partNumber, copied.temp(), copied.size(), etag, copied.checksum()).map(v -> {
                            S3Xml xml = S3Xml.root("CopyPartResult").el("ETag", S3Xml.quoted(etag))
                                    .el("LastModified", S3Xml.time(OffsetDateTime.now(ZoneOffset.UTC)));
                            if (algorithm != null) {
                                xml.el(algorithm.xmlName(), copied.checksum());
                            }
                            return xml.end("CopyPartResult");
                        });
                    })
                    .invoke(keepAlive::succeed).replaceWithVoid()
                    .onFailure().recoverWithUni(keepAlive::fail);
        }));
    }

    /** The bytes of {@code src} an UploadPartCopy takes: its x-amz-copy-source-range, or all of them. */
    private static ByteRange copiedRange(String header, ObjectRow src) {
        return header == null ? ByteRange.all(src.size()) : ByteRange.ofCopySourceRange(header, src.size());
    }

    Uni<Void> abort(S3Call call) {
        ObjectOperations.writable(config, call);
        String uploadId = uploadId(call);
        return findUpload(uploads, call, uploadId)
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
        return findUpload(uploads, call, uploadId).flatMap(upload -> uploads.parts(uploadId, marker, max + 1).invoke(parts -> {
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
    static Uni<Upload> findUpload(MultipartRepository uploads, S3Call call, String uploadId) {
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

    /** The uploadId parameter; one we could not have issued is NoSuchUpload. */
    static String uploadId(S3Call call) {
        String id = call.param("uploadId");
        if (id == null || !id.matches("[0-9a-f]{32}")) {
            throw S3Exception.noSuchUpload();
        }
        return id;
    }

    private static String newUploadId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
