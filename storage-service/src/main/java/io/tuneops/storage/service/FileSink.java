package io.tuneops.storage.service;

import io.tuneops.storage.s3.BodyReader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;

import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a body into its temporary file and has the disk start on it while the body still
 * arrives.
 *
 * <p>Small network buffers are gathered into writes of up to 512 KiB: one asynchronous file write
 * per buffer costs more than the copy into the batch. Every {@link #FLUSH_BYTES} written, an
 * fdatasync starts (one at a time, the writes go on meanwhile), so the page cache hands the data
 * to the disk as it comes; otherwise the whole object waits in memory for the seal's fsync and the
 * client waits for the network and then for the disk, one after the other. The early syncs run on
 * a worker thread of their own through a second descriptor of the file, not through the AsyncFile,
 * whose flushes queue behind (and hold up) the event loop's other file operations. A failed early
 * sync fails the upload: Linux reports a write-back error once per descriptor.
 *
 * <p>Vert.x runs file writes on worker threads, so they may finish out of order. The sink counts
 * the bytes in flight itself: the request is paused above {@link #QUEUE_BYTES} and resumed below
 * half of it, and {@link #drain()} completes only when every write has, so the seal never syncs
 * before the last byte is written. Its methods are called on the request's event loop.
 */
public final class FileSink implements BodyReader.Sink {

    public static final int BATCH_BYTES = 512 * 1024;
    public static final long FLUSH_BYTES = 16L << 20;
    static final long QUEUE_BYTES = 2L << 20;

    private final Vertx vertx;
    private final AsyncFile file;
    private final Path path;
    private Buffer batch = Buffer.buffer(BATCH_BYTES);
    private long written;
    private long inFlight;
    private long flushStartedAt;
    private int earlyFlushes;
    private boolean flushing;
    private boolean ending;
    private Throwable failure;
    private Runnable resume;
    private Promise<Void> allWritten;

    public FileSink(Vertx vertx, AsyncFile file, Path path) {
        this.vertx = vertx;
        this.file = file;
        this.path = path;
    }

    @Override
    public Future<Void> write(Buffer data) {
        batch.appendBuffer(data);
        if (batch.length() < BATCH_BYTES) {
            return Future.succeededFuture();
        }
        Buffer full = batch;
        batch = Buffer.buffer(BATCH_BYTES);
        return send(full);
    }

    /** Sends what is batched; completes once every write has, and starts no more early flushes. */
    @Override
    public Future<Void> drain() {
        ending = true;
        if (batch.length() > 0) {
            Buffer rest = batch;
            batch = Buffer.buffer(0);
            send(rest);
        }
        if (inFlight == 0 || failure != null) {
            return failure == null ? Future.succeededFuture() : Future.failedFuture(failure);
        }
        allWritten = Promise.promise();
        return allWritten.future();
    }

    private Future<Void> send(Buffer bytes) {
        inFlight += bytes.length();
        return file.write(bytes).andThen(done -> {
            inFlight -= bytes.length();
            if (done.failed()) {
                failed(done.cause());
            } else {
                written += bytes.length();
                flushIfDue();
            }
            settle();
        });
    }

    /** After a write or a sync ended: resumes the request, or ends the drain, when it is time. */
    private void settle() {
        if (resume != null && (inFlight <= QUEUE_BYTES / 2 || failure != null)) {
            Runnable r = resume;
            resume = null;
            r.run();
        }
        if (allWritten != null && (inFlight == 0 || failure != null)) {
            if (failure == null) {
                allWritten.tryComplete();
            } else {
                allWritten.tryFail(failure);
            }
        }
    }

    private void failed(Throwable e) {
        if (failure == null) {
            failure = e;
        }
    }

    private void flushIfDue() {
        if (flushing || ending || failure != null || written - flushStartedAt < FLUSH_BYTES) {
            return;
        }
        flushing = true;
        flushStartedAt = written;
        earlyFlushes++;
        vertx.<Void>executeBlocking(() -> {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
            return null;
        }, false).onComplete(done -> {
            flushing = false;
            // a file already gone was discarded with its failed upload
            if (done.failed() && !(done.cause() instanceof NoSuchFileException)) {
                failed(done.cause());
                settle();
            }
            flushIfDue();
        });
    }

    /** How many fdatasyncs started while the body was arriving. */
    int earlyFlushes() {
        return earlyFlushes;
    }

    @Override
    public boolean full() {
        return inFlight >= QUEUE_BYTES;
    }

    @Override
    public void onDrain(Runnable resume) {
        if (inFlight <= QUEUE_BYTES / 2 || failure != null) {
            resume.run();
        } else {
            this.resume = resume;
        }
    }
}
