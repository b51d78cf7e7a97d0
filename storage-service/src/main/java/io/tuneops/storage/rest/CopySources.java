package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.s3.CopySource;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.service.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The source of a CopyObject or UploadPartCopy: its row, checked, and its file, opened under the
 * key's shared lock as a GET opens it, so the bytes copied are those of the version the row (and
 * its x-amz-copy-source-if-* conditions) describe even if the key is overwritten meanwhile: a
 * rename replaces the name, not the open file.
 */
@ApplicationScoped
class CopySources {

    /** A source's row and its open file, which the copy closes. */
    record Opened(ObjectRow row, FileChannel file) {
    }

    private final ObjectRepository objects;
    private final ObjectStore store;

    CopySources(ObjectRepository objects, ObjectStore store) {
        this.objects = objects;
        this.store = store;
    }

    /**
     * Reads the source's row, runs {@code check} on it (which throws to refuse the copy before
     * anything is opened), and opens its file; 404 NoSuchKey when either is missing.
     */
    Uni<Opened> open(CopySource source, Consumer<ObjectRow> check) {
        AtomicReference<FileChannel> opened = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        return objects.underSharedKeyLock(source.bucket(), source.key(), tx -> objects.find(tx, source.bucket(), source.key())
                        .map(found -> {
                            ObjectRow row = found.orElseThrow(() -> S3Exception.noSuchKey(source.key()));
                            check.accept(row);
                            // a system call on the event loop, as a GET's opening of its file
                            FileChannel file = store.openWhole(store.objectPath(source.key()), row.size())
                                    .orElseThrow(() -> S3Exception.noSuchKey(source.key()));
                            opened.set(file);
                            if (abandoned.get()) {
                                // the caller was answered at the deadline while this transaction went on
                                ObjectOperations.closeQuietly(opened.getAndSet(null));
                                throw new IllegalStateException("the copy was answered at its deadline already");
                            }
                            return new Opened(row, file);
                        }))
                // a read whose COMMIT failed, or that missed its deadline, gives its file back
                .onFailure().invoke(() -> {
                    abandoned.set(true);
                    ObjectOperations.closeQuietly(opened.getAndSet(null));
                });
    }
}
