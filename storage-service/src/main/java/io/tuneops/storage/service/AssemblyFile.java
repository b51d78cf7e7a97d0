package io.tuneops.storage.service;

import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.S3Exception;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An upload's assembly file: parts of one size are written straight into it, each at its place in
 * the object (see MultipartRepository#claim), so that completing the upload gives the file a
 * second name and renames that into place instead of copying every part into a new file, which
 * would write the whole object to the disk a second time. Each part's bytes are fsynced, and the
 * upload's folder with them, before the part is recorded, as for a part in a file of its own.
 */
@ApplicationScoped
public class AssemblyFile {

    private static final Logger LOG = Logger.getLogger(AssemblyFile.class);
    private static final String NAME = "assembly";

    private final Vertx vertx;
    private final ObjectStore store;

    AssemblyFile(Vertx vertx, ObjectStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    public Path path(String uploadId) {
        return store.uploadDirectory(uploadId).resolve(NAME);
    }

    /** Opens the file to write a part of {@code length} bytes at {@code offset}; 507 when the volume has no room for it. */
    public Future<AsyncFile> open(String uploadId, long offset, long length) {
        return store.openToWrite(path(uploadId), length, true, new OpenOptions().setCreate(true).setWrite(true).setRead(false))
                .map(file -> file.setWritePos(offset))
                .recover(e -> Future.failedFuture(failure(e)));
    }

    /** A folder that went while a part was on its way went with its upload (aborted, completed or reaped). */
    private static RuntimeException failure(Throwable e) {
        return ObjectStore.isMissingFile(e) ? S3Exception.noSuchUpload() : ObjectStore.translate(e);
    }

    /** Writes a part received in memory at {@code offset} and flushes it, in one step on a worker thread. */
    public Future<Void> write(String uploadId, long offset, Buffer body) {
        Path path = path(uploadId);
        return vertx.executeBlocking(() -> {
            try {
                Files.createDirectories(path.getParent());
                store.writeFlushed(path, offset, body, StandardOpenOption.CREATE);
                return null;
            } catch (IOException | RuntimeException e) {
                throw failure(e);
            }
        }, false);
    }

    /**
     * Makes the file's name durable (the upload's folder and the folder of uploads), as a part's
     * rename into the upload's folder is made durable; a failure is logged, as for an object.
     */
    public Future<Void> syncFolders(String uploadId) {
        Path folder = store.uploadDirectory(uploadId);
        return vertx.executeBlocking(() -> {
            try {
                ObjectStore.syncFolder(folder);
                ObjectStore.syncFolder(folder.getParent());
            } catch (NoSuchFileException e) {
                LOG.debugf("%s went with its upload before its folder was flushed", folder);
            } catch (IOException e) {
                LOG.errorf("%s holds a part but its folder could not be flushed to disk: %s", folder, e.toString());
            }
            return null;
        }, false);
    }

    /**
     * The object made of the file's first {@code size} bytes, under a new temporary name of this
     * replica (a hard link: the upload keeps its name for the file until it ends), or empty when
     * the parts have to be copied after all: the file is shorter, the volume refuses the link, or
     * something past {@code size} (a part that failed, or was not chosen) has to be cut off while
     * the file has a name besides the upload's and this one (another completion's, which may
     * already have made it an object). {@code checksum}, when given, is computed over the object.
     */
    public Future<Optional<Path>> asObject(String uploadId, long size, Checksums.Hasher checksum) {
        Path path = path(uploadId);
        return vertx.executeBlocking(() -> {
            Path temp = store.newTempPath();
            try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long length = file.size();
                if (length < size || !linked(path, temp)) {
                    store.discardTemp(temp);
                    return Optional.empty();
                }
                if (length > size) {
                    if ((int) Files.getAttribute(temp, "unix:nlink") != 2) {
                        store.discardTemp(temp);
                        return Optional.empty();
                    }
                    file.truncate(size);
                    file.force(false);
                }
                if (checksum != null) {
                    ObjectStore.copyHashing(file, 0, size, null, checksum, null, ObjectStore.copyBuffer());
                }
                return Optional.of(temp);
            } catch (IOException | RuntimeException e) {
                store.discardTemp(temp);
                throw ObjectStore.translate(e);
            }
        }, false);
    }

    private static boolean linked(Path path, Path temp) {
        try {
            Files.createLink(temp, path);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debugf("no second name for %s (%s): its parts are copied", path, e.toString());
            return false;
        }
    }
}
