package io.tuneops.storage.service;

import io.tuneops.storage.s3.BodyReader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;

/**
 * Writes a body into its temporary file and has the disk start on it while the body still
 * arrives.
 *
 * <p>Small network buffers are gathered into writes of up to 512 KiB: one asynchronous file write
 * per buffer costs more than the copy into the batch. Every {@link #FLUSH_BYTES} written, an
 * fdatasync starts (one at a time, the writes go on meanwhile), so the page cache hands the data
 * to the disk as it comes; otherwise the whole object waits in memory for the seal's fsync and the
 * client waits for the network and then for the disk, one after the other. Durability does not
 * depend on these early flushes: the seal's fsync, after {@link #drain()}, still covers every byte.
 *
 * <p>Vert.x runs file writes on worker threads, so they may finish out of order; {@link #drain()}
 * completes only when every write has, so the seal never syncs before the last byte is written.
 * Used on one event loop only (the request's).
 */
public final class FileSink implements BodyReader.Sink {

    public static final int BATCH_BYTES = 512 * 1024;
    public static final long FLUSH_BYTES = 16L << 20;

    private final AsyncFile file;
    private Buffer batch = Buffer.buffer(BATCH_BYTES);
    private long written;
    private long flushStartedAt;
    private boolean flushing;
    private boolean ending;
    private int writesInFlight;
    private Throwable failure;
    private Promise<Void> allWritten;

    public FileSink(AsyncFile file) {
        this.file = file;
    }

    @Override
    public Future<Void> write(Buffer data) {
        batch.appendBuffer(data);
        if (batch.length() < BATCH_BYTES) {
            return Future.succeededFuture();
        }
        return send();
    }

    /** Sends what is batched; completes once every write has, and starts no more early flushes. */
    @Override
    public Future<Void> drain() {
        ending = true;
        if (batch.length() > 0) {
            send();
        }
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        if (writesInFlight == 0) {
            return Future.succeededFuture();
        }
        allWritten = Promise.promise();
        return allWritten.future();
    }

    private Future<Void> send() {
        Buffer full = batch;
        batch = Buffer.buffer(BATCH_BYTES);
        written += full.length();
        writesInFlight++;
        return file.write(full).andThen(done -> {
            writesInFlight--;
            if (done.failed() && failure == null) {
                failure = done.cause();
            }
            if (done.succeeded()) {
                flushIfDue();
            }
            if (writesInFlight == 0 && allWritten != null) {
                if (failure == null) {
                    allWritten.tryComplete();
                } else {
                    allWritten.tryFail(failure);
                }
            }
        });
    }

    private void flushIfDue() {
        if (flushing || ending || written - flushStartedAt < FLUSH_BYTES) {
            return;
        }
        flushing = true;
        flushStartedAt = written;
        // a failed early flush is not the upload's failure: the seal's fsync reports what counts
        file.flush().onComplete(done -> {
            flushing = false;
            flushIfDue();
        });
    }

    @Override
    public boolean full() {
        return file.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        file.drainHandler(v -> resume.run());
    }
}
