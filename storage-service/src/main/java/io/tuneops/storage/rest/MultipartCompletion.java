package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.MultipartRepository;
import io.tuneops.storage.repository.MultipartRepository.Part;
import io.tuneops.storage.repository.MultipartRepository.Upload;
import io.tuneops.storage.repository.FirstObjectEvent;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.repository.PartLocation;
import io.tuneops.storage.repository.PartPlacement;
import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.ETags;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.s3.S3Xml;
import io.tuneops.storage.s3.WriteConditions;
import io.tuneops.storage.service.CompletionAction;
import io.tuneops.storage.service.AsideRecovery;
import io.tuneops.storage.service.AssemblyFile;
import io.tuneops.storage.service.FilesSetAside;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.ObjectStore.PartBytes;
import io.tuneops.storage.service.StorageMeters;
import io.tuneops.storage.service.UploadEvents;
import io.tuneops.storage.service.UploadNotifications;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CompleteMultipartUpload: the requested part list is checked against the stored parts; the
 * upload's assembly file, when it holds them as they are to be joined ({@link AssemblyFile}), or
 * else a temporary file they are concatenated into on a worker thread and fsynced, is renamed
 * into place, and the object row replaces the upload in one transaction. A completion that takes a
 * while keeps the connection alive ({@link KeepAlive}).
 */
@ApplicationScoped
class MultipartCompletion {

    private static final int MAX_COMPLETE_BODY = 4 * 1024 * 1024;

    private final StorageConfig config;
    private final MultipartRepository uploads;
    private final ObjectRepository objects;
    private final ObjectStore store;
    private final Uploads bodies;
    private final UploadEvents events;
    private final Vertx vertx;
    private final StorageMeters meters;
    private final UploadNotifications notifications;
    private final AsideRecovery recovery;
    private final AssemblyFile assembly;

    MultipartCompletion(StorageConfig config, MultipartRepository uploads, ObjectRepository objects, ObjectStore store,
                        Uploads bodies, UploadEvents events, Vertx vertx, StorageMeters meters,
                        UploadNotifications notifications, AsideRecovery recovery, AssemblyFile assembly) {
        this.assembly = assembly;
        this.notifications = notifications;
        this.recovery = recovery;
        this.config = config;
        this.uploads = uploads;
        this.objects = objects;
        this.store = store;
        this.bodies = bodies;
        this.events = events;
        this.vertx = vertx;
        this.meters = meters;
    }

    /**
     * CompleteMultipartUpload. An upload that is gone answers from the object it produced when
     * the key still holds that object (a client retrying after a lost answer gets the same 200);
     * otherwise NoSuchUpload.
     */
    Uni<Void> complete(S3Call call) {
        ObjectOperations.writable(config, call);
        String uploadId = MultipartOperations.uploadId(call);
        Optional<WriteConditions> conditions = WriteConditions.of(call.headers());
        return uploads.find(uploadId).flatMap(found -> {
            if (found.isEmpty()) {
                return bodies.toMemory(call, MAX_COMPLETE_BODY, false)
                        .invoke(this::requestedParts)
                        .flatMap(body -> replayDocument(call, uploadId))
                        .invoke(document -> ObjectOperations.xml(call, 200, document))
                        .replaceWithVoid();
            }
            Upload upload = found.filter(u -> u.bucket().equals(call.bucket) && u.key().equals(call.key))
                    .orElseThrow(S3Exception::noSuchUpload);
            return bodies.toMemory(call, MAX_COMPLETE_BODY, false).flatMap(body -> {
                List<Map<String, String>> requested = requestedParts(body);
                return uploads.parts(uploadId, 0, config.maxParts() + 1).flatMap(stored -> {
                    Map<Integer, Part> byNumber = new LinkedHashMap<>();
                    stored.forEach(p -> byNumber.put(p.partNumber(), p));
                    List<Part> chosen = choose(requested, byNumber, upload);
                    WholeChecksum whole = WholeChecksum.of(call.headers(), upload, chosen);
                    return ObjectOperations.precheck(objects, call, conditions)
                            .flatMap(v -> assemble(call, upload, chosen, conditions, whole));
                });
            });
        });
    }

    /** The Part elements of a CompleteMultipartUpload body. */
    private List<Map<String, String>> requestedParts(byte[] body) {
        List<Map<String, String>> items = S3Xml.items(body, "CompleteMultipartUpload", "Part");
        List<Map<String, String>> requested = items.subList(1, items.size());
        if (requested.isEmpty()) {
            throw S3Exception.malformedXml();
        }
        if (requested.size() > config.maxParts()) {
            throw S3Exception.invalidArgument("Part number must be an integer between 1 and " + config.maxParts() + ", inclusive");
        }
        return requested;
    }

    /** The result document of a completion that already happened: the object at the key, if that upload made it. */
    private Uni<String> replayDocument(S3Call call, String uploadId) {
        return objects.find(call.bucket, call.key).map(found -> {
            ObjectRow o = found.filter(row -> uploadId.equals(row.uploadId())).orElseThrow(S3Exception::noSuchUpload);
            return resultDocument(call, o.bucket(), o.key(), o.etag(), Checksums.Algorithm.parse(o.checksumAlgorithm()).orElse(null),
                    o.checksumValue(), o.checksumType());
        });
    }

    private static String resultDocument(S3Call call, String bucket, String key, String etag, Checksums.Algorithm algorithm,
                                         String checksum, String checksumType) {
        S3Xml xml = S3Xml.root("CompleteMultipartUploadResult").el("Location", locationOf(call))
                .el("Bucket", bucket).el("Key", key).el("ETag", S3Xml.quoted(etag));
        if (algorithm != null && checksum != null) {
            xml.el(algorithm.xmlName(), checksum).el("ChecksumType", checksumType);
        }
        return xml.end("CompleteMultipartUploadResult");
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

    private Uni<Void> assemble(S3Call call, Upload upload, List<Part> parts, Optional<WriteConditions> conditions,
                               WholeChecksum whole) {
        Checksums.Hasher hasher = whole.hashesData() ? whole.algorithm().newHasher() : null;
        String etag = multipartEtag(parts);
        long size = parts.stream().mapToLong(Part::size).sum();
        Long[] sizes = parts.stream().map(Part::size).toArray(Long[]::new);
        String[] partChecksums = upload.checksumAlgorithm() != null && parts.stream().allMatch(p -> p.checksumValue() != null)
                ? parts.stream().map(Part::checksumValue).toArray(String[]::new) : null;
        KeepAlive keepAlive = new KeepAlive(call, vertx, config.completeKeepAlive(), meters);
        return objectFile(upload.uploadId(), parts, size, hasher)
                .flatMap(temp -> {
                    String checksum = whole.composite();
                    if (hasher != null) {
                        checksum = hasher.base64();
                        if (whole.declared() != null && !whole.declared().equals(checksum)) {
                            return UniHelper.toUni(store.deleteFile(temp)).replaceWith(Uni.createFrom().<String>failure(
                                    WholeChecksum.mismatch(whole.algorithm())));
                        }
                    }
                    String value = checksum;
                    Checksums.Algorithm algorithm = value == null ? null : whole.algorithm();
                    ObjectRow row = new ObjectRow(upload.bucket(), upload.key(), size, etag, upload.contentType(),
                            algorithm == null ? null : algorithm.name(), value, algorithm == null ? null : whole.type(),
                            upload.headers(), parts.size(), sizes, null, upload.uploadId(), partChecksums);
                    FirstObjectEvent firstObject = notifications.firstObject(call.credential(), row);
                    // the upload ends, the conditions are checked, the file moves into place and the
                    // row (with the job's first-object event) is written as one step under the key's lock
                    return objects.underKeyLock(upload.bucket(), upload.key(), tx -> uploads.finish(tx, upload.uploadId())
                                    .flatMap(present -> {
                                        if (!present) {
                                            throw S3Exception.noSuchUpload();
                                        }
                                        return ObjectOperations.checkConditions(objects, tx, upload.bucket(), upload.key(), conditions)
                                                .flatMap(v -> objects.upsert(tx, row, firstObject));
                                    }), FilesSetAside.replacing(store, recovery, (queued, left) -> UniHelper.toUni(
                                            store.replace(temp, upload.key(), System.nanoTime() + left.toNanos())),
                                            undo -> objects.unlessWritten(row, undo)))
                            .onFailure().call(() -> UniHelper.toUni(store.deleteFile(temp)))
                            .invoke(queued -> notifications.committed(firstObject, queued))
                            .replaceWith(resultDocument(call, upload.bucket(), upload.key(), etag, algorithm, value, whole.type()));
                })
                .call(() -> UniHelper.toUni(store.deleteRecursive(store.uploadDirectory(upload.uploadId()))))
                .call(() -> events.completed(call.credential(), call.clientIp(), upload.bucket(), upload.key(), size, etag,
                        CompletionAction.COMPLETE_MULTIPART_UPLOAD))
                // a concurrent completion of the same upload got there first: answer as it did
                .onFailure(MultipartCompletion::isNoSuchUpload).recoverWithUni(e -> replayDocument(call, upload.uploadId()))
                .invoke(keepAlive::succeed)
                .replaceWithVoid()
                .onFailure().recoverWithUni(keepAlive::fail);
    }

    /**
     * The object's file, under a temporary name: the upload's assembly file itself when it holds
     * the parts as they are to be joined, otherwise a new file the parts are copied into.
     */
    private Uni<Path> objectFile(String uploadId, List<Part> parts, long size, Checksums.Hasher hasher) {
        return uploads.closePlacement(uploadId).map(closed -> closed.orElseThrow(S3Exception::noSuchUpload)).flatMap(placement -> {
            Future<Optional<Path>> inPlace = placement.isWhole(parts) ? assembly.asObject(uploadId, size, hasher)
                    : Future.succeededFuture(Optional.empty());
            return UniHelper.toUni(inPlace.compose(file -> file.isPresent() ? Future.succeededFuture(file.get())
                    : store.concatenate(parts.stream().map(p -> bytesOf(uploadId, placement, p)).toList(), hasher)));
        }).onFailure(ObjectStore::isMissingFile).recoverWithUni(e -> uploads.find(uploadId).<Path>map(found -> {
            // the upload's folder went with the upload (a concurrent completion, an abort or the reaper)
            if (found.isEmpty()) {
                throw S3Exception.noSuchUpload();
            }
            throw ObjectStore.translate(e);
        }));
    }

    /** Where the bytes of the attempt {@code part}'s row records are. */
    private PartBytes bytesOf(String uploadId, PartPlacement placement, Part part) {
        PartLocation location = part.location();
        if (location instanceof PartLocation.OwnFile own) {
            return new PartBytes(store.partPath(uploadId, part.partNumber(), own.fileId()), 0, part.size());
        }
        if (location instanceof PartLocation.NumberedFile) {
            return new PartBytes(store.numberedPartPath(uploadId, part.partNumber()), 0, part.size());
        }
        if (location instanceof PartLocation.InAssembly) {
            if (!placement.holds(part)) {
                // claims are given up only by attempts never recorded, so no row should name one that went
                throw new IllegalStateException("part " + part.partNumber() + " of " + uploadId + " names a claim its place does not hold");
            }
            return new PartBytes(assembly.path(uploadId), placement.offsetOf(part), part.size());
        }
        throw new AssertionError(location);
    }

    private static boolean isNoSuchUpload(Throwable e) {
        return e instanceof S3Exception s3 && s3.code().equals("NoSuchUpload");
    }

    private static S3Exception invalidPart() {
        return new S3Exception(400, "InvalidPart", "One or more of the specified parts could not be found. "
                + "The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
    }

    /** S3's ETag of a multipart object ({@link ETags#multipart}) from its parts' ETags. */
    static String multipartEtag(List<Part> parts) {
        return ETags.multipart(parts.stream().map(p -> HexFormat.of().parseHex(p.etag())).toList());
    }

    private static String locationOf(S3Call call) {
        String host = call.headers().get("Host");
        return (host == null ? "" : "http://" + host) + call.rawPath;
    }
}
