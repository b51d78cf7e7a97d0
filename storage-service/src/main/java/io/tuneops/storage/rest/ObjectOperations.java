package io.tuneops.storage.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.FirstObjectEvent;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.s3.ByteRange;
import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.CopySource;
import io.tuneops.storage.s3.DeleteConditions;
import io.tuneops.storage.s3.HeaderValues;
import io.tuneops.storage.s3.ObjectAttribute;
import io.tuneops.storage.s3.Preconditions;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.s3.S3Xml;
import io.tuneops.storage.s3.SigV4;
import io.tuneops.storage.s3.WriteConditions;
import io.tuneops.storage.s3.WriteSettings;
import io.tuneops.storage.service.CompletionAction;
import io.tuneops.storage.service.AsideRecovery;
import io.tuneops.storage.service.FilesSetAside;
import io.tuneops.storage.service.ObjectKeys;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.StorageMeters;
import io.tuneops.storage.service.UploadEvents;
import io.tuneops.storage.service.UploadNotifications;
import io.tuneops.support.store.LastStep;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** PutObject, GetObject (ranges, conditions), HeadObject, DeleteObject, DeleteObjects, CopyObject. */
@ApplicationScoped
class ObjectOperations {

    private static final int MAX_XML_BODY = 2 * 1024 * 1024;
    /**
     * Keys of one DeleteObjects request deleted at the same time when each needs a transaction of
     * its own (another change held it when its batch was deleted), so they do not wait for each
     * other's round trips and COMMITs; a share of the database pool (20 connections by default),
     * so a bulk delete leaves connections to the other requests.
     */
    private static final int DELETE_CONCURRENCY = 8;
    /** Keys of a DeleteObjects request deleted in one transaction (each an advisory lock of it). */
    private static final int DELETE_BATCH = 100;

    private final StorageConfig config;
    private final ObjectRepository objects;
    private final ObjectStore store;
    private final Uploads uploads;
    private final UploadEvents events;
    private final StorageMeters meters;
    private final UploadNotifications notifications;
    private final AsideRecovery recovery;
    private final CopySources copySources;
    private final Vertx vertx;

    ObjectOperations(StorageConfig config, ObjectRepository objects, ObjectStore store, Uploads uploads, UploadEvents events,
                     StorageMeters meters, UploadNotifications notifications, AsideRecovery recovery, CopySources copySources,
                     Vertx vertx) {
        this.copySources = copySources;
        this.vertx = vertx;
        this.recovery = recovery;
        this.meters = meters;
        this.notifications = notifications;
        this.config = config;
        this.objects = objects;
        this.store = store;
        this.uploads = uploads;
        this.events = events;
    }

    Uni<Void> put(S3Call call) {
        writable(config, call);
        WriteSettings.check(call.headers());
        Uploads.checkAnnouncedSize(call, config.maxObjectSize());
        String contentType = Uploads.contentType(call.headers());
        JsonObject headers = Uploads.storedHeaders(call.headers());
        Optional<WriteConditions> conditions = WriteConditions.of(call.headers());
        return precheck(objects, call, conditions)
                .flatMap(v -> uploads.toTempFile(call, config.maxObjectSize(), null))
                .flatMap(received -> {
                    var r = received.result();
                    ObjectRow row = new ObjectRow(call.bucket, call.key, r.size(), r.md5Hex(), contentType,
                            r.checksumAlgorithm() == null ? null : r.checksumAlgorithm().name(), r.checksum(),
                            r.checksumAlgorithm() == null ? null : "FULL_OBJECT", headers, null, null, null);
                    return publish(received.temp(), received.written(), row, conditions,
                            notifications.firstObject(call.credential(), row))
                            .call(() -> events.completed(call.credential(), call.clientIp(), call.bucket, call.key, r.size(), r.md5Hex(),
                                    CompletionAction.PUT))
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
        String partNumber = call.param("partNumber");
        if (partNumber != null) {
            ByteRange.checkPartNumber(partNumber);
            if (call.headers().contains("Range")) {
                throw S3Exception.invalidRequest("Cannot specify both Range header and partNumber query parameter");
            }
        }
        Path path = store.objectPath(call.key);
        // The row is read and the file opened under the key's shared lock, so they match even if
        // the key is overwritten while the body streams (a rename replaces the name, not the open
        // inode). Over HTTP/1.x the file is opened in respond, and the socket takes the body from
        // the page cache: from mappings of the file (MappedBody), or for small objects with
        // sendfile(2) through sendFile, which opens the file before it returns (opening the file and
        // reading its length are system calls on the event loop, as in any Vert.x sendFile); Vert.x's
        // HTTP/2 sendFile opens it later, so there the file is opened here and piped. Only the
        // opening waits for the transaction.
        boolean http2 = call.request().version() == HttpVersion.HTTP_2;
        AtomicReference<Sending> started = new AtomicReference<>();
        return objects.underSharedKeyLock(call.bucket, call.key, tx -> objects.find(tx, call.bucket, call.key).flatMap(found -> {
                    ObjectRow o = found.orElseThrow(() -> S3Exception.noSuchKey(call.key));
                    if (!http2 || head || o.size() == 0) {
                        return Uni.createFrom().item(started(started, respond(call, o, path, null, head), null));
                    }
                    return UniHelper.toUni(store.openForRead(path))
                            .onFailure().transform(e -> S3Exception.noSuchKey(call.key))
                            .map(file -> {
                                try {
                                    return started(started, respond(call, o, path, file, false), file);
                                } catch (RuntimeException e) {
                                    file.close();
                                    throw e;
                                }
                            });
                }))
                // a read's COMMIT that fails once the answer has started does not cut off its body
                .onFailure(e -> started.get() != null).recoverWithItem(started::get)
                .flatMap(sending -> UniHelper.toUni(sending.body())
                        .eventually(() -> close(sending.file()))
                        // a client that hung up ended its own download: nothing failed here
                        .onFailure(e -> call.response().closed() || e instanceof MappedBody.ClientGone).recoverWithNull());
    }

    private static Sending started(AtomicReference<Sending> started, Future<Void> body, AsyncFile file) {
        Sending sending = new Sending(body, file);
        started.set(sending);
        return sending;
    }

    /** A body on its way out (and the file it is read from, when piped), apart from the transaction that started it. */
    private record Sending(Future<Void> body, AsyncFile file) {
    }

    private static Uni<Void> close(AsyncFile file) {
        return file == null ? Uni.createFrom().voidItem() : UniHelper.toUni(file.close()).onFailure().recoverWithNull();
    }

    /**
     * GetObjectAttributes ({@code GET ?attributes}): what {@code x-amz-object-attributes} asks
     * for, in S3's document. A multipart object's parts are paged with {@code x-amz-max-parts}
     * and {@code x-amz-part-number-marker}; as S3 does for a general purpose bucket, the Part
     * elements are listed only when the parts carry checksums (PartsCount always).
     */
    Uni<Void> attributes(S3Call call) {
        ObjectKeys.validate(call.key);
        call.requireRead(call.bucket, call.key);
        requireBucket(config, call);
        Set<ObjectAttribute> wanted = ObjectAttribute.parse(call.headers().getAll("x-amz-object-attributes"));
        int maxParts = call.intHeader("x-amz-max-parts", 1000, 0, 1000);
        int marker = call.intHeader("x-amz-part-number-marker", 0, 0, Integer.MAX_VALUE);
        return objects.find(call.bucket, call.key).invoke(found -> {
            ObjectRow o = found.orElseThrow(() -> S3Exception.noSuchKey(call.key));
            Checksums.Algorithm algorithm = Checksums.Algorithm.parse(o.checksumAlgorithm()).orElse(null);
            S3Xml xml = S3Xml.root("GetObjectAttributesResponse");
            if (wanted.contains(ObjectAttribute.ETAG)) {
                xml.el("ETag", o.etag());
            }
            if (wanted.contains(ObjectAttribute.CHECKSUM) && algorithm != null && o.checksumValue() != null) {
                // the document carries the checksum of checksums without its "-N": PartsCount says N
                String value = o.checksumValue();
                int dash = value.lastIndexOf('-');
                xml.open("Checksum").el(algorithm.xmlName(), dash > 0 ? value.substring(0, dash) : value)
                        .el("ChecksumType", o.checksumType() == null ? "FULL_OBJECT" : o.checksumType()).close("Checksum");
            }
            if (wanted.contains(ObjectAttribute.OBJECT_PARTS) && o.partsCount() != null) {
                objectParts(xml, o, algorithm, marker, maxParts);
            }
            if (wanted.contains(ObjectAttribute.STORAGE_CLASS)) {
                xml.el("StorageClass", "STANDARD");
            }
            if (wanted.contains(ObjectAttribute.OBJECT_SIZE)) {
                xml.el("ObjectSize", o.size());
            }
            call.response().putHeader("Last-Modified", httpDate(o.lastModified()));
            xml(call, 200, xml.end("GetObjectAttributesResponse"));
        }).replaceWithVoid();
    }

    private static void objectParts(S3Xml xml, ObjectRow o, Checksums.Algorithm algorithm, int marker, int maxParts) {
        int count = o.partsCount();
        String[] checksums = o.partChecksums();
        boolean listed = algorithm != null && checksums != null && checksums.length == count;
        int first = Math.min(marker, count);
        int last = (int) Math.min((long) first + maxParts, count);
        xml.open("ObjectParts").el("PartNumberMarker", marker).el("NextPartNumberMarker", last > first ? last : marker)
                .el("MaxParts", maxParts).el("IsTruncated", last < count);
        if (listed) {
            Long[] sizes = o.partSizes();
            for (int i = first; i < last; i++) {
                xml.open("Part").el("PartNumber", i + 1).el("Size", sizes == null ? null : sizes[i])
                        .el(algorithm.xmlName(), checksums[i]).close("Part");
            }
        }
        xml.el("PartsCount", count).close("ObjectParts");
    }

    /**
     * Answers a GET or HEAD; the body is sent from {@code file} when given (HTTP/2), from mappings
     * of the file ({@link MappedBody}) for objects of a mebibyte or more, else with sendFile.
     */
    private Future<Void> respond(S3Call call, ObjectRow o, Path path, AsyncFile file, boolean head) {
        HttpServerResponse response = call.response();
        if (Preconditions.of(call.headers()).evaluate(o.etag(), o.lastModified()) == Preconditions.Outcome.NOT_MODIFIED) {
            response.putHeader("ETag", S3Xml.quoted(o.etag())).putHeader("Last-Modified", httpDate(o.lastModified()))
                    .setStatusCode(304).end();
            return Future.succeededFuture();
        }
        FileChannel mapped = null;
        if (!head && file == null && o.size() > 0) {
            // opened now, under the key's lock (see get): system calls on the event loop, as
            // Vert.x's own sendFile makes
            if (o.size() >= MappedBody.MIN_OBJECT_BYTES) {
                mapped = store.openWhole(path, o.size()).orElseThrow(() -> S3Exception.noSuchKey(call.key));
            } else if (!Files.isRegularFile(path)) {
                throw S3Exception.noSuchKey(call.key);
            }
        }
        try {
            return respond(call, o, path, file, mapped, head);
        } catch (RuntimeException e) {
            closeQuietly(mapped);
            throw e;
        }
    }

    private Future<Void> respond(S3Call call, ObjectRow o, Path path, AsyncFile file, FileChannel mapped, boolean head) {
        HttpServerResponse response = call.response();
        ByteRange range = ByteRange.all(o.size());
        boolean partial = false;
        String partNumber = call.param("partNumber");
        if (partNumber != null) {
            range = ByteRange.ofPart(o.partSizes(), o.size(), partNumber);
            partial = o.partsCount() != null;
            if (partial) {
                // S3 counts the parts of multipart objects only
                response.putHeader("x-amz-mp-parts-count", Integer.toString(o.partsCount()));
            }
        } else {
            String header = call.headers().get("Range");
            Optional<ByteRange> requested = header == null ? Optional.empty() : ByteRange.ofRangeHeader(header, o.size());
            if (requested.isPresent()) {
                range = requested.get();
                partial = true;
            }
        }
        objectHeaders(response, o);
        if (partial) {
            response.setStatusCode(206).putHeader("Content-Range", "bytes " + range.offset() + "-" + range.last() + "/" + o.size());
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
        long length = range.length();
        response.putHeader("Content-Length", Long.toString(length));
        if (head || length == 0) {
            closeQuietly(mapped);
            response.end();
            return Future.succeededFuture();
        }
        if (file != null) {
            file.setReadPos(range.offset()).setReadLength(length);
            return file.pipeTo(response).onSuccess(v -> meters.sent(length));
        }
        if (mapped != null) {
            return MappedBody.send(mapped, response, range.offset(), length).onSuccess(v -> meters.sent(length));
        }
        return response.sendFile(path.toString(), range.offset(), length).onSuccess(v -> meters.sent(length));
    }

    /** Whether a copy takes its metadata from the request (REPLACE) rather than from its source (COPY, the default). */
    private static boolean replacesMetadata(String directive) {
        if (directive == null || directive.equalsIgnoreCase("COPY")) {
            return false;
        }
        if (directive.equalsIgnoreCase("REPLACE")) {
            return true;
        }
        throw S3Exception.invalidArgument("Unknown metadata directive.");
    }

    static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // only read from: nothing to lose
            }
        }
    }

    Uni<Void> delete(S3Call call) {
        writable(config, call);
        Optional<DeleteConditions> conditions = DeleteConditions.of(call.headers());
        return deleteOne(call.bucket, call.key, conditions).invoke(() -> call.response().setStatusCode(204).end());
    }

    /** Deletes the key's object, once its conditions (if any) hold for it under the key's lock. */
    private Uni<Void> deleteOne(String bucket, String key, Optional<DeleteConditions> conditions) {
        return objects.underKeyLock(bucket, key, tx -> checkDeleteConditions(tx, bucket, key, conditions)
                                .chain(() -> objects.delete(tx, bucket, key)),
                        FilesSetAside.removing(store, deleted -> deleted.isEmpty() ? List.of() : List.of(key)))
                .replaceWithVoid();
    }

    /** A delete's conditions against the object now under the key (in {@code client}'s transaction); nothing to do without any. */
    private Uni<Void> checkDeleteConditions(SqlClient client, String bucket, String key, Optional<DeleteConditions> conditions) {
        if (conditions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return objects.find(client, bucket, key).invoke(found -> conditions.get().check(key,
                        found.map(ObjectRow::etag).orElse(null), found.map(ObjectRow::size).orElse(0L),
                        found.map(ObjectRow::lastModified).orElse(null)))
                .replaceWithVoid();
    }

    /**
     * Writes the row and moves the temporary file {@code temp} into the key's place, under the key's
     * lock, once the write's conditions hold for the object it replaces (checked under that lock,
     * so two racing {@code If-None-Match: *} writes cannot both win); the temporary file goes
     * otherwise. {@code firstObject} (null for none) is queued with the row if the object is its
     * job's first. The file may still be being written ({@code written}, a small body's): the row
     * goes to PostgreSQL meanwhile, and the file moves once it is sealed and only while the COMMIT
     * may still follow within the deadline (see underKeyLock), so a slow disk rolls the change
     * back with the key untouched.
     */
    private Uni<Void> publish(Path temp, Future<Void> written, ObjectRow row, Optional<WriteConditions> conditions,
                              FirstObjectEvent firstObject) {
        // the wait for the write is bounded too: it holds the key's lock and a database connection
        LastStep<Boolean> moveIntoPlace = FilesSetAside.replacing(store, recovery, (queued, left) -> {
            long latest = System.nanoTime() + left.toNanos();
            return UniHelper.toUni(written).ifNoItem().after(left).failWith(S3Exception::slowVolume)
                    .chain(() -> UniHelper.toUni(store.replace(temp, row.key(), latest)));
        }, undo -> objects.unlessWritten(row, undo));
        Uni<Boolean> stored = conditions.isEmpty() ? objects.upsertUnderKeyLock(row, firstObject, moveIntoPlace)
                : objects.underKeyLock(row.bucket(), row.key(), tx -> checkConditions(tx, row.bucket(), row.key(), conditions)
                        .flatMap(v -> objects.upsert(tx, row, firstObject)), moveIntoPlace);
        return stored
                .onFailure().call(() -> uploads.discard(temp, written))
                .invoke(queued -> notifications.committed(firstObject, queued))
                .replaceWithVoid();
    }

    /** A write's conditions against the object now under the key (in {@code client}'s transaction); nothing to do without any. */
    static Uni<Void> checkConditions(ObjectRepository objects, SqlClient client, String bucket, String key,
                                     Optional<WriteConditions> conditions) {
        if (conditions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return objects.find(client, bucket, key)
                .invoke(found -> conditions.get().check(key, found.map(ObjectRow::etag).orElse(null)))
                .replaceWithVoid();
    }

    private Uni<Void> checkConditions(SqlClient client, String bucket, String key, Optional<WriteConditions> conditions) {
        return checkConditions(objects, client, bucket, key, conditions);
    }

    /**
     * The write's conditions checked once before the body is read, so a write bound to fail is
     * refused before its bytes travel (before 100 Continue); the check that counts is the one
     * under the key's lock at commit.
     */
    static Uni<Void> precheck(ObjectRepository objects, S3Call call, Optional<WriteConditions> conditions) {
        return conditions.isEmpty() ? Uni.createFrom().voidItem()
                : objects.find(call.bucket, call.key)
                        .invoke(found -> conditions.get().check(call.key, found.map(ObjectRow::etag).orElse(null)))
                        .replaceWithVoid();
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
            Deletion[] outcomes = new Deletion[keys.size()];
            List<Listed> valid = new ArrayList<>(keys.size());
            List<Listed> conditional = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i).get("Key");
                try {
                    ObjectKeys.validate(key);
                    call.requireWrite(call.bucket, key);
                    Optional<DeleteConditions> conditions = DeleteConditions.ofEntry(keys.get(i));
                    (conditions.isEmpty() ? valid : conditional).add(new Listed(i, key, conditions));
                } catch (S3Exception e) {
                    outcomes[i] = new DeleteError(key, e.code(), e.getMessage());
                }
            }
            AtomicBoolean databaseFailed = new AtomicBoolean();
            List<List<Listed>> batches = new ArrayList<>();
            for (int from = 0; from < valid.size(); from += DELETE_BATCH) {
                batches.add(valid.subList(from, Math.min(valid.size(), from + DELETE_BATCH)));
            }
            // an entry with conditions is deleted on its own, its conditions checked under its key's lock;
            // once the database has failed, the others answer at once, as the batches' keys do
            Uni<Void> conditionalDeletes = Multi.createFrom().iterable(conditional)
                    .onItem().transformToUni(listed -> (databaseFailed.get() ? Uni.createFrom().<Deletion>item(DeleteError.internal(listed.key()))
                            : deleteListed(call.bucket, listed).invoke(o -> {
                                if (o instanceof DeleteError e && e.internal()) {
                                    databaseFailed.set(true);
                                }
                            })).invoke(o -> outcomes[listed.index()] = o))
                    .merge(DELETE_CONCURRENCY)
                    .collect().last().replaceWithVoid();
            return Multi.createFrom().iterable(batches)
                    .onItem().transformToUniAndConcatenate(batch -> deleteBatch(call.bucket, batch, outcomes, databaseFailed))
                    .collect().last()
                    .chain(() -> conditionalDeletes)
                    .invoke(() -> {
                        S3Xml xml = S3Xml.root("DeleteResult");
                        for (Deletion outcome : outcomes) {
                            if (outcome instanceof Deleted deleted && !quiet) {
                                xml.open("Deleted").el("Key", deleted.key()).close("Deleted");
                            }
                        }
                        for (Deletion outcome : outcomes) {
                            if (outcome instanceof DeleteError e) {
                                xml.open("Error").el("Key", e.key()).el("Code", e.code()).el("Message", e.message()).close("Error");
                            }
                        }
                        xml(call, 200, xml.end("DeleteResult"));
                    }).replaceWithVoid();
        });
    }

    /**
     * Deletes a batch of a DeleteObjects request's keys in one transaction, all but those another
     * change holds (an upload of the key committing, say), which are then deleted side by side,
     * each waiting for its key's lock, so that one busy key does not hold up the others. A batch
     * whose transaction fails (the database is not answering) reports InternalError for its keys,
     * which clients retry, and so does every later batch without trying: each would wait for the
     * database deadline in turn.
     */
    private Uni<Void> deleteBatch(String bucket, List<Listed> batch, Deletion[] outcomes, AtomicBoolean databaseFailed) {
        if (databaseFailed.get()) {
            batch.forEach(listed -> outcomes[listed.index()] = DeleteError.internal(listed.key()));
            return Uni.createFrom().voidItem();
        }
        List<String> keys = batch.stream().map(Listed::key).toList();
        return objects.deleteFreeKeys(bucket, keys,
                        FilesSetAside.removing(store, ObjectRepository.FreeKeysDeleted::rowsDeleted))
                .map(done -> Set.copyOf(done.locked()))
                .flatMap(deleted -> {
                    List<Listed> busy = new ArrayList<>();
                    for (Listed listed : batch) {
                        if (deleted.contains(listed.key())) {
                            outcomes[listed.index()] = new Deleted(listed.key());
                        } else {
                            busy.add(listed);
                        }
                    }
                    return Multi.createFrom().iterable(busy)
                            .onItem().transformToUni(listed -> deleteListed(bucket, listed).invoke(o -> outcomes[listed.index()] = o))
                            .merge(DELETE_CONCURRENCY)
                            .collect().last().replaceWithVoid();
                })
                .onFailure().recoverWithItem(e -> {
                    databaseFailed.set(true);
                    batch.forEach(listed -> outcomes[listed.index()] = DeleteError.internal(listed.key()));
                    return null;
                });
    }

    /**
     * One key of a DeleteObjects request on its own: deleted, or why not (its conditions did not
     * hold, or an internal error); never a failure of the whole request.
     */
    private Uni<Deletion> deleteListed(String bucket, Listed listed) {
        String key = listed.key();
        return deleteOne(bucket, key, listed.conditions()).<Deletion>map(v -> new Deleted(key))
                .onFailure(S3Exception.class).recoverWithItem(e -> new DeleteError(key, ((S3Exception) e).code(), e.getMessage()))
                .onFailure().recoverWithItem(e -> DeleteError.internal(key));
    }

    /** A key of a DeleteObjects request, its place in the request (where its outcome is reported) and its conditions. */
    private record Listed(int index, String key, Optional<DeleteConditions> conditions) {
    }

    /** What became of one key of a DeleteObjects request, reported as its Deleted or Error element. */
    private sealed interface Deletion permits Deleted, DeleteError {
    }

    private record Deleted(String key) implements Deletion {
    }

    private record DeleteError(String key, String code, String message) implements Deletion {
        static DeleteError internal(String key) {
            return new DeleteError(key, INTERNAL, "We encountered an internal error. Please try again.");
        }

        boolean internal() {
            return INTERNAL.equals(code);
        }
    }

    private static final String INTERNAL = "InternalError";

    Uni<Void> copy(S3Call call) {
        writable(config, call);
        CopySource source = call.copySource();
        call.requireRead(source.bucket(), source.key());
        if (!source.bucket().equals(config.bucket())) {
            throw S3Exception.noSuchBucket(source.bucket());
        }
        WriteSettings.check(call.headers());
        boolean replace = replacesMetadata(call.headers().get("x-amz-metadata-directive"));
        // checked before any byte is copied: refused metadata must not leave a copy behind
        JsonObject replacedHeaders = replace ? Uploads.storedHeaders(call.headers()) : null;
        Optional<WriteConditions> conditions = WriteConditions.of(call.headers());
        Preconditions onSource = Preconditions.ofCopySource(call.headers());
        return precheck(objects, call, conditions).flatMap(checked -> copySources.open(source, src -> {
            onSource.requireForCopy(src.etag(), src.lastModified());
            if (src.size() > config.maxObjectSize()) {
                throw S3Exception.invalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: "
                        + config.maxObjectSize());
            }
            if (!replace && source.key().equals(call.key)) {
                throw S3Exception.invalidRequest("This copy request is illegal because it is trying to copy an object to itself "
                        + "without changing the object's metadata, storage class, website redirect location or encryption attributes.");
            }
        })).flatMap(opened -> {
            ObjectRow src = opened.row();
            Checksums.Algorithm algorithm;
            try {
                algorithm = Checksums.Algorithm.parse(call.headers().get("x-amz-checksum-algorithm"))
                        .or(() -> Checksums.Algorithm.parse(src.checksumAlgorithm())).orElse(null);
                Uploads.proceed(call);
            } catch (RuntimeException e) {
                closeQuietly(opened.file());
                throw e;
            }
            // a large copy outlasts the gateway's patience with a silent owner: S3's early 200 and spaces
            KeepAlive keepAlive = new KeepAlive(call, vertx, config.completeKeepAlive(), meters);
            return UniHelper.toUni(store.copyRange(opened.file(), 0, src.size(), algorithm == null ? null : algorithm.newHasher()))
                    .flatMap(copied -> {
                        String etag = SigV4.hex(copied.md5());
                        ObjectRow row = new ObjectRow(call.bucket, call.key, copied.size(), etag,
                                replace ? Uploads.contentType(call.headers()) : src.contentType(),
                                algorithm == null ? null : algorithm.name(), copied.checksum(), algorithm == null ? null : "FULL_OBJECT",
                                replace ? replacedHeaders : src.headers(), null, null, null);
                        // a copy is never a job's first object: its source is already under the job's prefix
                        return publish(copied.temp(), Future.succeededFuture(), row, conditions, null)
                                .call(() -> events.completed(call.credential(), call.clientIp(), call.bucket, call.key, copied.size(),
                                        etag, CompletionAction.COPY))
                                .map(v -> {
                                    S3Xml xml = S3Xml.root("CopyObjectResult").el("ETag", S3Xml.quoted(etag))
                                            .el("LastModified", S3Xml.time(OffsetDateTime.now(ZoneOffset.UTC)));
                                    if (algorithm != null) {
                                        xml.el(algorithm.xmlName(), copied.checksum());
                                    }
                                    return xml.end("CopyObjectResult");
                                });
                    })
                    .invoke(keepAlive::succeed).replaceWithVoid()
                    .onFailure().recoverWithUni(keepAlive::fail);
        });
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
            String value = String.valueOf(h.getValue());
            response.putHeader(h.getKey(), h.getKey().startsWith("x-amz-meta-") ? HeaderValues.metadataToWire(value) : value);
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
}
