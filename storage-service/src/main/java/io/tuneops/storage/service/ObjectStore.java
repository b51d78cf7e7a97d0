package io.tuneops.storage.service;

import io.quarkus.runtime.StartupEvent;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.S3Exception;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.OpenOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The object files. {output}/{key} holds an object's bytes (a key ending in '/' keeps them in a
 * reserved file inside that folder); uploads are written to {output}/.tuneops-tmp/ first, flushed
 * to disk and renamed into place atomically, so a reader never sees a partial object and a failed
 * upload never replaces a good one. Multipart parts live in {output}/.tuneops-multipart/{upload id}/.
 * All file I/O goes through Vert.x's asynchronous file system or runs on worker threads.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final Duration STALE_TEMP = Duration.ofDays(1);
    private static final int COPY_BUFFER = 1 << 20;
    private static final int WRITE_QUEUE_BYTES = 2 << 20;
    private static final int READ_BUFFER_BYTES = 256 * 1024;

    private final Vertx vertx;
    private final Path root;
    private final Path tmp;
    private final Path multipart;
    private final long minFreeSpace;

    public ObjectStore(Vertx vertx, StorageConfig config) {
        this.vertx = vertx;
        this.minFreeSpace = config.minFreeSpace();
        this.root = config.outputDirectory();
        this.tmp = root.resolve(ObjectKeys.RESERVED + "-tmp");
        this.multipart = root.resolve(ObjectKeys.RESERVED + "-multipart");
    }

    void start(@Observes StartupEvent event) {
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(multipart);
            if (!Files.isWritable(tmp)) {
                throw new IOException("not writable");
            }
        } catch (IOException e) {
            throw new IllegalStateException("tuneops.storage.output-path (TUNEOPS_STORAGE_OUTPUT_PATH) " + root
                    + " cannot be used: " + e.getMessage());
        }
        // another replica may share the volume: only temporary files nobody can still be writing go
        Instant cutoff = Instant.now().minus(STALE_TEMP);
        try (Stream<Path> files = Files.list(tmp)) {
            files.filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
                } catch (IOException e) {
                    return false;
                }
            }).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("stale temporary files under %s not cleaned: %s", tmp, e.toString());
        }
        LOG.infof("objects stored under %s", root);
    }

    public Path objectPath(String key) {
        return ObjectKeys.resolve(root, key);
    }

    public Path partPath(String uploadId, int partNumber) {
        return multipart.resolve(uploadId).resolve(Integer.toString(partNumber));
    }

    public Path uploadDirectory(String uploadId) {
        return multipart.resolve(uploadId);
    }

    public Path newTempPath() {
        return tmp.resolve(UUID.randomUUID().toString());
    }

    /**
     * A new temporary file to stream into, once the volume has room for {@code expectedBytes} more
     * (negative: not announced, only the reserve counts) above the reserve (507 InsufficientStorage
     * otherwise). Its write queue holds up to 2 MiB
     * before the request is paused (Vert.x's 128 KiB default pauses and resumes the socket every
     * couple of buffers).
     */
    public Future<AsyncFile> openTemp(Path path, long expectedBytes) {
        return vertx.fileSystem().fsProps(tmp.toString())
                .compose(props -> hasRoom(props.usableSpace(), expectedBytes) ? Future.succeededFuture()
                        : Future.<Void>failedFuture(S3Exception.insufficientStorage()))
                .compose(v -> vertx.fileSystem().open(path.toString(), new OpenOptions().setCreateNew(true).setWrite(true).setRead(false)))
                .map(file -> file.setWriteQueueMaxSize(WRITE_QUEUE_BYTES));
    }

    private boolean hasRoom(long usable, long bytes) {
        return usable - Math.max(0, bytes) >= minFreeSpace;
    }

    /** The blocking form of the free-space check, for code already on a worker thread. */
    private void requireRoom(long bytes) throws IOException {
        if (!hasRoom(Files.getFileStore(tmp).getUsableSpace(), bytes)) {
            throw S3Exception.insufficientStorage();
        }
    }

    /**
     * Opens an object's file for reading. The open file keeps its content when the key is
     * overwritten afterwards (a rename replaces the name, not the inode).
     */
    public Future<AsyncFile> openForRead(Path path) {
        return vertx.fileSystem().open(path.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
                .map(file -> file.setReadBufferSize(READ_BUFFER_BYTES));
    }

    /** Flushes the file to disk and closes it. */
    public Future<Void> seal(AsyncFile file) {
        return file.flush().compose(v -> file.close());
    }

    /** Closes (if open) and deletes a temporary file, ignoring errors: the upload failed anyway. */
    public Future<Void> discard(AsyncFile file, Path path) {
        Future<Void> closed = file == null ? Future.succeededFuture() : file.close().otherwise((Void) null);
        return closed.compose(v -> vertx.fileSystem().delete(path.toString())).otherwise((Void) null);
    }

    /** Moves a sealed temporary file into place atomically, creating the folders it needs. */
    public Future<Void> publish(Path temp, Path target) {
        return vertx.fileSystem().mkdirs(target.getParent().toString())
                .compose(v -> vertx.fileSystem().move(temp.toString(), target.toString(),
                        new CopyOptions().setAtomicMove(true).setReplaceExisting(true)))
                .recover(e -> vertx.fileSystem().delete(temp.toString()).otherwise((Void) null)
                        .compose(v -> Future.failedFuture(translate(e))));
    }

    public Future<Void> deleteFile(Path path) {
        return vertx.fileSystem().delete(path.toString()).otherwise((Void) null);
    }

    public Future<Void> deleteRecursive(Path path) {
        return vertx.fileSystem().deleteRecursive(path.toString(), true).otherwise((Void) null);
    }

    /**
     * Concatenates part files into a new temporary file (kernel copies, no buffers in the heap),
     * fsyncs it and returns its path; when {@code checksum} is given it is computed over the whole
     * object on the way (FULL_OBJECT checksums), which reads the data once.
     */
    public Future<Path> concatenate(List<Path> parts, Checksums.Hasher checksum) {
        Path out = newTempPath();
        return vertx.executeBlocking(() -> {
            long total = 0;
            for (Path part : parts) {
                total += Files.size(part);
            }
            requireRoom(total);
            try (FileChannel target = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (Path part : parts) {
                    try (FileChannel source = FileChannel.open(part, StandardOpenOption.READ)) {
                        if (checksum == null) {
                            long size = source.size();
                            long done = 0;
                            while (done < size) {
                                done += source.transferTo(done, size - done, target);
                            }
                        } else {
                            copyHashing(source, 0, source.size(), target, checksum, null);
                        }
                    }
                }
                target.force(true);
                return out;
            } catch (IOException e) {
                Files.deleteIfExists(out);
                throw translate(e);
            }
        }, false);
    }

    /** Copies {@code length} bytes of {@code source} from {@code offset} into a new temporary file, hashing them. */
    public Future<CopyResult> copyRange(Path source, long offset, long length, Checksums.Hasher checksum) {
        Path out = newTempPath();
        return vertx.executeBlocking(() -> {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            requireRoom(length);
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                 FileChannel target = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                copyHashing(in, offset, length, target, checksum, md5);
                target.force(true);
                return new CopyResult(out, length, md5.digest(), checksum == null ? null : checksum.base64());
            } catch (NoSuchFileException e) {
                Files.deleteIfExists(out);
                throw new S3Exception(404, "NoSuchKey", "The specified key does not exist.");
            } catch (IOException e) {
                Files.deleteIfExists(out);
                throw translate(e);
            }
        }, false);
    }

    public record CopyResult(Path temp, long size, byte[] md5, String checksum) {
    }

    private static void copyHashing(FileChannel in, long offset, long length, FileChannel out, Checksums.Hasher checksum,
                                    MessageDigest md5) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BUFFER);
        long position = offset;
        long end = offset + length;
        while (position < end) {
            buffer.clear();
            buffer.limit((int) Math.min(COPY_BUFFER, end - position));
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
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }

    /** Maps file system failures onto S3 errors: disk full is 507, a key used as a folder is 409. */
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
            if (c instanceof DirectoryNotEmptyException || c instanceof FileAlreadyExistsException
                    || c instanceof NotDirectoryException || message.contains("Not a directory")
                    || message.contains("Is a directory") || message.contains("Directory not empty")) {
                return new S3Exception(409, "InvalidObjectState",
                        "The key conflicts with an existing key: one names a folder the other needs as a file.");
            }
            c = c.getCause();
        }
        return e instanceof RuntimeException r ? r : new UncheckedIOException(new IOException(e));
    }
}
