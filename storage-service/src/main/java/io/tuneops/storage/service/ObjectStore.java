package io.tuneops.storage.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.ETags;
import io.tuneops.storage.s3.S3Exception;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileStore;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The object files. An object's bytes are in the file {@link ObjectKeys#resolve} names
 * ({output}/job-42/model.safetensors.object for the key job-42/model.safetensors), so keys are not
 * paths and "a/b" and "a/b/c" coexist; uploads are written to {output}/.tuneops-tmp/ first
 * ({@link TempFiles}), flushed to disk and renamed into place atomically, so a reader never sees a
 * partial object and a failed upload never replaces a good one. Multipart parts live in
 * {output}/.tuneops-multipart/{upload id}/. All file I/O in requests goes through Vert.x's
 * asynchronous file system or runs on worker threads.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final int COPY_BUFFER = 1 << 20;
    private static final int WRITE_QUEUE_BYTES = 2 << 20;
    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final int MAX_FILES_AWAITING_REMOVAL = 10_000;

    private final Vertx vertx;
    private final Path root;
    private final Path tmp;
    private final Path multipart;
    private final long minFreeSpace;
    private final TempFiles temps;
    private final LayoutMigration migration;
    private final WorkerExecutor remover;
    private final AtomicInteger awaitingRemoval = new AtomicInteger();
    private volatile FileStore volume;

    public ObjectStore(Vertx vertx, StorageConfig config, TempFiles temps, LayoutMigration migration) {
        this.vertx = vertx;
        this.minFreeSpace = config.minFreeSpace();
        this.root = config.outputDirectory();
        this.temps = temps;
        this.migration = migration;
        this.tmp = temps.directory();
        this.multipart = root.resolve(ObjectKeys.RESERVED + "-multipart");
        this.remover = vertx.createSharedWorkerExecutor("tuneops-file-removal", 1);
    }

    /**
     * Before the HTTP server opens (and before the reaper's first pass, hence the priority): the
     * directories, this replica's mark, and the layout migration.
     */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        try {
            temps.start();
            Files.createDirectories(multipart);
            if (!Files.isWritable(tmp)) {
                throw new IOException("not writable");
            }
            migration.run();
        } catch (IOException e) {
            throw new IllegalStateException("tuneops.storage.output-path (TUNEOPS_STORAGE_OUTPUT_PATH) " + root
                    + " cannot be used: " + e, e);
        }
        LOG.infof("objects stored under %s (replica %s)", root, temps.replicaId());
    }

    void stop(@Observes ShutdownEvent event) {
        temps.stop();
    }

    public Path objectPath(String key) {
        return ObjectKeys.resolve(root, key);
    }

    /** The file of its own part {@code partNumber}'s attempt {@code fileId} writes (see PartLocation). */
    public Path partPath(String uploadId, int partNumber, UUID fileId) {
        return multipart.resolve(uploadId).resolve(partNumber + "-" + fileId);
    }

    /** The file an earlier version wrote part {@code partNumber} into, one per part number. */
    public Path numberedPartPath(String uploadId, int partNumber) {
        return multipart.resolve(uploadId).resolve(Integer.toString(partNumber));
    }

    public Path uploadDirectory(String uploadId) {
        return multipart.resolve(uploadId);
    }

    /** A new temporary file's path, this replica's and in flight (never a leftover) until moved or deleted here. */
    public Path newTempPath() {
        return temps.newPath();
    }

    /** The multipart uploads that have part files (their directories' names). Blocking. */
    public List<String> uploadsWithParts() throws IOException {
        try (Stream<Path> dirs = Files.list(multipart)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Removes an upload's directory; how many part files it held. Blocking. */
    public int removeUploadDirectory(String uploadId) throws IOException {
        Path dir = uploadDirectory(uploadId);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int parts = 0;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    parts++;
                }
                Files.deleteIfExists(p);
            }
        }
        return parts;
    }

    /**
     * A new temporary file to stream into, once the volume has room for {@code expectedBytes} more
     * (negative: not announced, only the reserve counts) above the reserve (507 InsufficientStorage
     * otherwise). Its write queue holds up to 2 MiB
     * before the request is paused (Vert.x's 128 KiB default pauses and resumes the socket every
     * couple of buffers).
     */
    public Future<AsyncFile> openTemp(Path path, long expectedBytes) {
        return openToWrite(path, expectedBytes, false, new OpenOptions().setCreateNew(true).setWrite(true).setRead(false));
    }

    /** {@link #openTemp} for any file opened with {@code options}, its folder made first when {@code makeFolder}. */
    Future<AsyncFile> openToWrite(Path path, long expectedBytes, boolean makeFolder, OpenOptions options) {
        return vertx.<Void>executeBlocking(() -> {
                    requireRoom(expectedBytes);
                    if (makeFolder) {
                        Files.createDirectories(path.getParent());
                    }
                    return null;
                }, false)
                .compose(v -> vertx.fileSystem().open(path.toString(), options))
                .map(file -> file.setWriteQueueMaxSize(WRITE_QUEUE_BYTES));
    }

    /**
     * Writes a body received in memory into a new temporary file, flushed to disk and closed, in
     * one step on a worker thread (a small object's four file operations would otherwise cost four
     * hand-overs between the event loop and the workers); 507 when the volume has no room for it.
     */
    public Future<Void> writeTemp(Path path, Buffer body) {
        return vertx.executeBlocking(() -> {
            try {
                writeFlushed(path, 0, body, StandardOpenOption.CREATE_NEW);
                return null;
            } catch (IOException | RuntimeException e) {
                // the caller deletes the temporary file of a failed upload
                throw translate(e);
            }
        }, false);
    }

    /** Blocking: writes {@code body} at {@code position} in the file opened with {@code create}, and flushes it; 507 without room. */
    void writeFlushed(Path path, long position, Buffer body, StandardOpenOption create) throws IOException {
        requireRoom(body.length());
        try (FileChannel file = FileChannel.open(path, create, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = body.getByteBuf().nioBuffer();
            long at = position;
            while (bytes.hasRemaining()) {
                at += file.write(bytes, at);
            }
            file.force(false);
        }
    }

    /** Deletes a temporary file; one that is left is the sweep's (a failed upload's own failure is what is answered). */
    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debugf("temporary file %s not deleted (the sweep removes it): %s", path, e.toString());
        }
    }

    private boolean hasRoom(long usable, long bytes) {
        return usable - Math.max(0, bytes) >= minFreeSpace;
    }

    /** Blocking: 507 unless the volume has room for {@code bytes} more above the reserve. */
    void requireRoom(long bytes) throws IOException {
        if (!hasRoom(volume().getUsableSpace(), bytes)) {
            throw S3Exception.insufficientStorage();
        }
    }

    /** The volume's file store, looked up once: each lookup reads /proc/mounts. */
    private FileStore volume() throws IOException {
        FileStore store = volume;
        if (store == null) {
            store = Files.getFileStore(tmp);
            volume = store;
        }
        return store;
    }

    /** The sink a body streams into {@code file}, the temporary file at {@code path}, through. */
    public FileSink sink(AsyncFile file, Path path) {
        return new FileSink(vertx, file, path);
    }

    /** Flushes the file to disk and closes it. */
    public Future<Void> seal(AsyncFile file) {
        return file.flush().compose(v -> file.close());
    }

    /**
     * Opens an object's file for reading. The open file keeps its content when the key is
     * overwritten afterwards (a rename replaces the name, not the inode).
     */
    public Future<AsyncFile> openForRead(Path path) {
        return vertx.fileSystem().open(path.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
                .map(file -> file.setReadBufferSize(READ_BUFFER_BYTES));
    }

    /**
     * Opens an object's file for reading, blocking (an open and an fstat): empty when it is missing
     * or shorter than {@code size}, the length its row gives, so that nothing read or mapped
     * through it reaches past its end. The open file keeps its content when the key is
     * overwritten afterwards.
     */
    public Optional<FileChannel> openWhole(Path path, long size) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (channel.size() >= size) {
                return Optional.of(channel);
            }
            channel.close();
            return Optional.empty();
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the size could not be read either
            }
            throw new UncheckedIOException(e);
        }
    }

    /** Closes (if open) and deletes a temporary file, ignoring errors: the upload failed anyway. */
    public Future<Void> discard(AsyncFile file, Path path) {
        Future<Void> closed = file == null ? Future.succeededFuture() : file.close().otherwise((Void) null);
        return closed.compose(v -> vertx.fileSystem().delete(path.toString())).otherwise((Void) null)
                .onComplete(v -> temps.release(path));
    }

    /**
     * Moves a sealed temporary file into place atomically, creating the folders it needs, and syncs
     * the folders it changed, on worker threads.
     */
    public Future<Void> publish(Path temp, Path target) {
        return moveIntoPlace(temp, target, System.nanoTime() + Long.MAX_VALUE / 2, null).compose(this::syncFolders);
    }

    /**
     * Files {@link #replace} or {@link #moveAside} set aside, and the sync of the folders the move
     * changed, which may still be running (a delete's does not sync).
     */
    public record SetAside(List<Aside> files, Future<Void> synced, Optional<Placed> placed) {

        SetAside(List<Aside> files, Future<Void> synced) {
            this(files, synced, Optional.empty());
        }
    }

    /**
     * The file {@link #replace} moved into {@code key}'s place, known by its file system identity
     * (device and inode), and whether it replaced a file (kept aside, unless that failed).
     */
    public record Placed(String key, Object fileKey, boolean replacedAFile) {
    }

    /**
     * {@link #publish(Path, Path)} for an object's file, unless {@code latest} (System.nanoTime) has
     * passed when the worker gets to the rename: then nothing moves and the answer is 503 SlowDown,
     * as the change it belongs to may no longer commit. Completes once the file is in place, with
     * the folders' sync started beside the caller's COMMIT; the caller waits for it
     * ({@link SetAside#synced}) before answering. The file it replaces, if any, is kept aside (a
     * second name made before the rename) instead of being freed by the rename, which for a large
     * flushed file means dropping its cached pages and freeing its blocks through the journal while
     * the key's lock is held; the caller drops it ({@link #dropAside}) once its change is settled.
     */
    public Future<SetAside> replace(Path temp, String key, long latest) {
        Path target = objectPath(key);
        return moveIntoPlace(temp, target, latest, key).map(moved -> new SetAside(moved.replaced(), syncFolders(moved),
                Optional.of(new Placed(key, moved.fileKey(), moved.replacedAFile()))));
    }

    /**
     * Undoes a {@link #replace} whose change did not commit; the caller holds the key's lock. When
     * the key's file is still the one the replace moved in, the file it replaced goes back in its
     * place, or, the key having had none, the new one goes; a newer file in its place stays. The
     * file kept aside goes either way, and the folder is synced, so that after a power cut the
     * name does not come back to the bytes of a change that did not commit.
     */
    public Future<Void> undoReplace(SetAside replaced) {
        Placed placed = replaced.placed().orElseThrow();
        Path target = objectPath(placed.key());
        return vertx.<Void>executeBlocking(() -> {
            if (placed.fileKey().equals(fileKey(target))) {
                if (!replaced.files().isEmpty()) {
                    Aside old = replaced.files().get(0);
                    Files.move(old.temp(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    temps.release(old.temp());
                } else if (!placed.replacedAFile()) {
                    Files.delete(target);
                } else {
                    throw new IOException("the file it replaced could not be kept aside");
                }
                syncFolder(target.getParent());
            }
            return null;
        }, false).compose(v -> dropAside(replaced.files()), e -> {
            LOG.errorf("%s may hold the bytes of a change that did not commit: %s", target, e.toString());
            keepForRecovery(replaced.files());
            return Future.failedFuture(e);
        });
    }

    /**
     * Leaves files set aside to the sweep instead of deleting them: marked with their keys, they go
     * to {@link AsideRecovery} at its next pass, for a change that could not be settled here.
     */
    public void keepForRecovery(List<Aside> files) {
        files.forEach(aside -> temps.release(aside.temp()));
    }

    /** The identity (device and inode) of the file at {@code path}, null when there is none. */
    private static Object fileKey(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A file moved into place: its identity, what it replaced (kept aside) and whether it replaced
     * a file, its folder and the first folder made for it (null for none).
     */
    private record Moved(Object fileKey, List<Aside> replaced, boolean replacedAFile, Path folder, Path firstCreated) {
    }

    /** What {@link #secondName} kept of the file in a key's place, and whether there was one. */
    private record Kept(List<Aside> aside, boolean wasThere) {
    }

    /** {@code key}: the object whose replaced file is kept aside; null for a part, whose rename frees what it replaces. */
    private Future<Moved> moveIntoPlace(Path temp, Path target, long latest, String key) {
        return vertx.<Moved>executeBlocking(() -> {
                    if (System.nanoTime() - latest >= 0) {
                        deleteQuietly(temp);
                        throw S3Exception.slowVolume();
                    }
                    Path folder = target.getParent();
                    Path firstCreated = null;
                    Kept kept = key != null ? secondName(target, key) : new Kept(List.of(), false);
                    List<Aside> replaced = kept.aside();
                    Object fileKey;
                    try {
                        fileKey = key != null ? fileKey(temp) : null;
                        // the folder is there for all but a prefix's first object: no need to look first
                        try {
                            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        } catch (NoSuchFileException e) {
                            if (!Files.exists(temp)) {
                                throw e;
                            }
                            for (Path p = folder; p != null && !Files.isDirectory(p); p = p.getParent()) {
                                firstCreated = p;
                            }
                            Files.createDirectories(folder);
                            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        }
                    } catch (IOException | RuntimeException e) {
                        deleteQuietly(temp);
                        replaced.forEach(aside -> discardTemp(aside.temp()));
                        throw translate(e);
                    }
                    return new Moved(fileKey, replaced, kept.wasThere(), folder, firstCreated);
                }, false)
                .onComplete(v -> temps.release(temp));
    }

    /**
     * Syncs the folders a file's move changed, on a worker thread. It runs beside the COMMIT, which
     * it cannot hold back: a folder that cannot be synced is logged.
     */
    private Future<Void> syncFolders(Moved moved) {
        return vertx.executeBlocking(() -> {
            try {
                syncFolder(moved.folder());
                // folders made for this object are entries of their parents, synced the same way
                for (Path p = moved.folder(); moved.firstCreated() != null && !p.equals(moved.firstCreated().getParent()); p = p.getParent()) {
                    syncFolder(p.getParent());
                }
            } catch (IOException e) {
                LOG.errorf("%s is in place but its folder could not be flushed to disk: %s", moved.folder(), e.toString());
            }
            return null;
        }, false);
    }

    /**
     * A second name for the file at {@code target}, {@code key}'s, a temporary path of this replica
     * (marked with the key); none when there is no file.
     */
    private Kept secondName(Path target, String key) {
        Path temp = temps.newPath();
        try {
            AsideMark.write(target, key);
            Files.createLink(temp, target);
            return new Kept(List.of(new Aside(target, temp)), true);
        } catch (NoSuchFileException e) {
            // no file yet: the key's first version
            temps.release(temp);
            return new Kept(List.of(), false);
        } catch (IOException e) {
            // a file that cannot be kept: the rename frees it, and this change cannot be undone
            LOG.warnf("the file in %s's place not kept aside before it is replaced: %s", key, e.toString());
            temps.release(temp);
            return new Kept(List.of(), true);
        }
    }

    /**
     * Makes a rename in {@code folder} durable: the object's bytes were synced before it moved, but
     * its new name is only an entry of the folder until the folder is synced, and after a power cut
     * the row would name a file that is not there (and the temporary file would be swept away).
     */
    static void syncFolder(Path folder) throws IOException {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    public Future<Void> deleteFile(Path path) {
        return vertx.fileSystem().delete(path.toString()).otherwise((Void) null).onComplete(v -> temps.release(path));
    }

    /** An object's file that {@link #moveAside} or {@link #replace} gave a temporary name of this replica; {@code object} is where it was. */
    public record Aside(Path object, Path temp) {
    }

    /**
     * Moves the files of the objects under {@code keys} aside, in one step on a worker thread:
     * each is marked with its key and renamed to a new temporary path of this replica, so that
     * after a crash the sweep gives it to {@link AsideRecovery}. A file that is gone is skipped, and
     * one that cannot be moved stays where it is, logged: its row is what made it an object.
     */
    public Future<SetAside> moveAside(List<String> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture(new SetAside(List.of(), Future.succeededFuture()));
        }
        return vertx.<List<Aside>>executeBlocking(() -> {
            List<Aside> moved = new ArrayList<>(keys.size());
            for (String key : keys) {
                Path object = objectPath(key);
                Path temp = temps.newPath();
                try {
                    AsideMark.write(object, key);
                    Files.move(object, temp, StandardCopyOption.ATOMIC_MOVE);
                    moved.add(new Aside(object, temp));
                } catch (NoSuchFileException e) {
                    temps.release(temp);
                } catch (IOException e) {
                    temps.release(temp);
                    LOG.warnf("file %s of a deleted object not removed: %s", object, e.toString());
                }
            }
            return moved;
        }, false).map(moved -> new SetAside(moved, Future.succeededFuture()));
    }

    /**
     * What {@link #inspectAside} found: whether the file set aside and the file in the key's place
     * are the object {@code row} describes, and which file was in place (null for none).
     */
    public record AsideInspection(boolean asideIsTheObject, boolean placedIsTheObject, Object placedFileKey) {
    }

    /**
     * Compares a file a dead process set aside from {@code key}, and the file in the key's place,
     * with the key's row, which may change meanwhile ({@link #settleAside} runs under the key's
     * lock, with the row read again): a file is the object when it has the row's length and ETag
     * (its MD5, or its parts' for a multipart object). Reads the files, on a worker thread.
     */
    public Future<AsideInspection> inspectAside(Path aside, String key, Optional<ObjectRow> row) {
        Path target = objectPath(key);
        return vertx.executeBlocking(() -> {
            Object placed = fileKey(target);
            if (row.isEmpty() || placed != null && placed.equals(fileKey(aside))) {
                return new AsideInspection(false, placed != null, placed);
            }
            return new AsideInspection(isTheObject(aside, row.get()), placed != null && isTheObject(target, row.get()), placed);
        }, false);
    }

    /**
     * Settles a file a dead process set aside from {@code key}, as {@link #inspectAside} found it;
     * the caller holds the key's lock and has checked that the row is the one inspected. The file
     * goes back in the key's place when it is the object and the file in place is not (a delete or
     * an overwrite that never committed), and is removed otherwise; it is left for the next pass
     * when the file in place changed since. Whether it went back.
     */
    public Future<Boolean> settleAside(Path aside, String key, AsideInspection seen) {
        Path target = objectPath(key);
        return vertx.executeBlocking(() -> {
            if (!Objects.equals(seen.placedFileKey(), fileKey(target))) {
                return false;
            }
            if (seen.asideIsTheObject() && !seen.placedIsTheObject()) {
                Files.createDirectories(target.getParent());
                Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncFolder(target.getParent());
                return true;
            }
            Files.deleteIfExists(aside);
            return false;
        }, false);
    }

    /** Whether {@code file} has the length and the ETag {@code row} gives; blocking. */
    private static boolean isTheObject(Path file, ObjectRow row) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            if (in.size() != row.size()) {
                return false;
            }
            String etag = row.etag();
            int dash = etag.indexOf('-');
            ByteBuffer buffer = copyBuffer();
            if (dash < 0) {
                return HexFormat.of().formatHex(md5(in, 0, row.size(), buffer)).equals(etag);
            }
            if (row.partSizes() == null) {
                return true;  // no part sizes kept to check the parts' digests against: the length has to do
            }
            List<byte[]> parts = new ArrayList<>(row.partSizes().length);
            long offset = 0;
            for (Long size : row.partSizes()) {
                parts.add(md5(in, offset, size, buffer));
                offset += size;
            }
            return ETags.multipart(parts).equals(etag);
        }
    }

    private static byte[] md5(FileChannel in, long offset, long length, ByteBuffer buffer) throws IOException {
        MessageDigest md5 = ETags.md5();
        copyHashing(in, offset, length, null, null, md5, buffer);
        return md5.digest();
    }

    /**
     * Deletes files moved aside whose objects are deleted, in the background and one at a time:
     * on a journalling file system, freeing a flushed file's blocks takes many times what moving it
     * aside did, and one thread keeps that work from taking every core from the requests. The
     * future completes at once, or once these files are deleted when more than
     * {@value #MAX_FILES_AWAITING_REMOVAL} are waiting, so a stream of bulk deletes slows to the
     * disk's pace instead of queueing without bound.
     */
    public Future<Void> dropAside(List<Aside> moved) {
        if (moved.isEmpty()) {
            return Future.succeededFuture();
        }
        int waiting = awaitingRemoval.addAndGet(moved.size());
        Future<Void> removed = remover.<Void>executeBlocking(() -> {
            moved.forEach(aside -> discardTemp(aside.temp()));
            return null;
        }, false).onComplete(done -> awaitingRemoval.addAndGet(-moved.size()));
        return waiting > MAX_FILES_AWAITING_REMOVAL ? removed : Future.succeededFuture();
    }

    /** Completes once the files dropped before this call are deleted: the removals run in order. */
    public Future<Void> droppedFilesRemoved() {
        return remover.executeBlocking(() -> null, false);
    }

    /**
     * Puts files moved aside back where they were, their objects' delete having failed, unless a
     * newer object's file took the place meanwhile: a hard link, which never replaces a file, then
     * the temporary name goes. A file that cannot be put back is logged with where it is and left
     * for the sweep.
     */
    public Future<Void> putBack(List<Aside> moved) {
        if (moved.isEmpty()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            for (Aside aside : moved) {
                try {
                    Files.createLink(aside.object(), aside.temp());
                } catch (FileAlreadyExistsException e) {
                    // a newer version of the object is in place: the file moved aside is not the key's any more
                } catch (IOException e) {
                    LOG.errorf("file %s of an object whose delete failed not put back from %s: %s",
                            aside.object(), aside.temp(), e.toString());
                    temps.release(aside.temp());
                    continue;
                }
                discardTemp(aside.temp());
            }
            return null;
        }, false);
    }

    void discardTemp(Path temp) {
        deleteQuietly(temp);
        temps.release(temp);
    }

    public Future<Void> deleteRecursive(Path path) {
        return vertx.fileSystem().deleteRecursive(path.toString(), true).otherwise((Void) null);
    }

    /** {@code length} bytes of a part, at {@code offset} in {@code file}. */
    public record PartBytes(Path file, long offset, long length) {
    }

    /**
     * Concatenates parts into a new temporary file (kernel copies, no buffers in the heap), fsyncs
     * it and returns its path; when {@code checksum} is given it is computed over the whole object
     * on the way (FULL_OBJECT checksums), which reads the data once.
     */
    public Future<Path> concatenate(List<PartBytes> parts, Checksums.Hasher checksum) {
        Path out = newTempPath();
        return vertx.executeBlocking(() -> fillingTemp(out, () -> {
            requireRoom(parts.stream().mapToLong(PartBytes::length).sum());
            try (FileChannel target = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (PartBytes part : parts) {
                    try (FileChannel source = FileChannel.open(part.file(), StandardOpenOption.READ)) {
                        if (checksum == null) {
                            long done = 0;
                            while (done < part.length()) {
                                long n = source.transferTo(part.offset() + done, part.length() - done, target);
                                if (n <= 0) {
                                    throw new IOException(part.file() + " is shorter than its part");
                                }
                                done += n;
                            }
                        } else {
                            copyHashing(source, part.offset(), part.length(), target, checksum, null, copyBuffer());
                        }
                    }
                }
                target.force(true);
                return out;
            } catch (IOException e) {
                throw translate(e);
            }
        }), false);
    }

    /**
     * Copies {@code length} bytes of the open file {@code source} from {@code offset} into a new
     * temporary file, hashing them; closes {@code source} either way.
     */
    public Future<CopyResult> copyRange(FileChannel source, long offset, long length, Checksums.Hasher checksum) {
        Path out = newTempPath();
        return vertx.executeBlocking(() -> fillingTemp(out, () -> {
            try (FileChannel in = source) {
                MessageDigest md5 = MessageDigest.getInstance("MD5");
                requireRoom(length);
                try (FileChannel target = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    copyHashing(in, offset, length, target, checksum, md5, copyBuffer());
                    target.force(true);
                    return new CopyResult(out, length, md5.digest(), checksum == null ? null : checksum.base64());
                }
            } catch (IOException e) {
                throw translate(e);
            }
        }), false);
    }

    /**
     * Runs {@code work}, which fills the new temporary file {@code out}; whatever it fails with
     * (no room, a failed read, a bug), the file goes and its path is no longer in flight, so the
     * sweep of temporary files is not kept from it until the next start.
     */
    private <T> T fillingTemp(Path out, Callable<T> work) throws Exception {
        try {
            return work.call();
        } catch (Exception | Error e) {
            deleteQuietly(out);
            temps.release(out);
            throw e;
        }
    }

    public record CopyResult(Path temp, long size, byte[] md5, String checksum) {
    }

    /** A buffer for {@link #copyHashing}, in direct memory: file reads fill it without a copy. */
    static ByteBuffer copyBuffer() {
        return ByteBuffer.allocateDirect(COPY_BUFFER);
    }

    /**
     * Reads {@code length} bytes of {@code in} from {@code offset} through {@code buffer} into the
     * digests given (either may be null), and into {@code out} unless it is null.
     */
    static void copyHashing(FileChannel in, long offset, long length, FileChannel out, Checksums.Hasher checksum,
                            MessageDigest md5, ByteBuffer buffer) throws IOException {
        long position = offset;
        long end = offset + length;
        while (position < end) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), end - position));
            int n = in.read(buffer, position);
            if (n < 0) {
                throw new IOException("source shorter than expected");
            }
            position += n;
            buffer.flip();
            if (md5 != null) {
                md5.update(buffer.duplicate());
            }
            if (checksum != null) {
                checksum.update(buffer.duplicate());
            }
            while (out != null && buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }

    /** Whether {@code e} comes from a file or folder that is not there. */
    public static boolean isMissingFile(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Maps file system failures onto S3 errors: disk full is 507, a path the filesystem finds too
     * long is KeyTooLongError; 409 is left for a file that is not an object (put on the volume by
     * hand) standing where the key needs a folder, as no two keys can be in each other's way.
     */
    public static RuntimeException translate(Throwable e) {
        Throwable c = e;
        while (c != null) {
            if (c instanceof S3Exception s3) {
                return s3;
            }
            String message = c.getMessage() == null ? "" : c.getMessage();
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return S3Exception.insufficientStorage();
            }
            if (message.contains("File name too long")) {
                return new S3Exception(400, "KeyTooLongError", "Your key is too long for the storage volume");
            }
            if (c instanceof DirectoryNotEmptyException || c instanceof FileAlreadyExistsException
                    || c instanceof NotDirectoryException || message.contains("Not a directory")
                    || message.contains("Is a directory") || message.contains("Directory not empty")) {
                return new S3Exception(409, "InvalidObjectState",
                        "A file that is not an object is in the way of this key on the storage volume.");
            }
            c = c.getCause();
        }
        return e instanceof RuntimeException r ? r : new UncheckedIOException(new IOException(e));
    }
}
