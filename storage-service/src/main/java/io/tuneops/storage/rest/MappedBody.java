package io.tuneops.storage.rest;

import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sends a range of an object's file as an HTTP/1.x response body from memory mappings of the file,
 * a window at a time, in writes of {@link #CHUNK} bytes that the socket takes straight from the
 * page cache (one kernel copy, none in the JVM). On Linux 6.x a socket write from a mapping of
 * cached pages runs about twice as fast as sendfile(2), which moves 64 KiB per pass of its
 * internal pipe, and faster than read(2) into a buffer and write(2) from it.
 *
 * <p>The channel was opened under the key's lock, so the windows map the object's file as it was
 * then, whatever renames or deletes happen to the name meanwhile. Object files never change in
 * place (a new version is a new file moved into place), so a mapping never sees its file
 * truncated. A window is unmapped as soon as every write that reads from it has completed or
 * failed, never before: until then the socket may still read its memory, and an address range
 * unmapped too early could be mapped again for another object. Everything runs on the response's
 * event loop, with the response's back-pressure.
 *
 * <p>Hand-written because Vert.x offers sendFile (sendfile(2)) and AsyncFile reads (copies into
 * heap buffers, then into direct ones), nothing that writes from a mapping.
 */
final class MappedBody {

    private static final Logger LOG = Logger.getLogger(MappedBody.class);
    /**
     * Bytes mapped at a time. While mapped, the window's cached pages count in the process's
     * resident memory (and in a container's working set), so a small window keeps many concurrent
     * downloads within the pod's memory limit; a mapping and unmapping per 8 MiB cost little
     * against the copy.
     */
    static final long WINDOW = 8L << 20;
    /** Bytes per write: large writes keep system calls and wake-ups few. */
    static final int CHUNK = 1 << 20;
    /**
     * Smaller objects go out with sendfile(2): for them a mapping's set-up and tear-down (mmap,
     * munmap and its TLB flush) cost more than the copy saves.
     */
    static final long MIN_OBJECT_BYTES = CHUNK;

    private final FileChannel channel;
    private final HttpServerResponse response;
    private final long windowBytes;
    private final int chunkBytes;
    private final long end;
    private final Promise<Void> done = Promise.promise();
    private long position;
    private Window window;
    private boolean finished;

    private MappedBody(FileChannel channel, HttpServerResponse response, long offset, long length, long windowBytes,
                       int chunkBytes) {
        this.channel = channel;
        this.response = response;
        this.windowBytes = windowBytes;
        this.chunkBytes = chunkBytes;
        this.position = offset;
        this.end = offset + length;
    }

    /**
     * Sends {@code length} bytes of {@code channel} from {@code offset} and ends the response;
     * the channel is closed once the body is sent or has failed. Completes when the response
     * ended, fails with {@link ClientGone} when the client went away, or when the file could not be mapped.
     */
    static Future<Void> send(FileChannel channel, HttpServerResponse response, long offset, long length) {
        return send(channel, response, offset, length, WINDOW, CHUNK);
    }

    /** {@link #send(FileChannel, HttpServerResponse, long, long)} with other window and write sizes. */
    static Future<Void> send(FileChannel channel, HttpServerResponse response, long offset, long length, long windowBytes,
                             int chunkBytes) {
        // a client that goes away fails the writes in flight, and so the body: the queue is full
        // (writes in flight) whenever this waits, so no close handler is needed
        MappedBody body = new MappedBody(channel, response, offset, length, windowBytes, chunkBytes);
        body.next();
        return body.done.future();
    }

    /** Writes until the response's queue is full or the range is sent. */
    private void next() {
        try {
            while (!finished && position < end && !response.writeQueueFull()) {
                if (window == null || position >= window.end) {
                    Window previous = window;
                    window = Window.map(channel, position, Math.min(windowBytes, end - position));
                    if (previous != null) {
                        previous.issued();
                    }
                }
                int n = (int) Math.min(chunkBytes, window.end - position);
                Window current = window;
                Buffer chunk = Buffer.buffer(Unpooled.wrappedBuffer(current.slice(position, n)));
                position += n;
                current.pending++;
                Future<Void> written;
                try {
                    written = response.write(chunk);
                } catch (RuntimeException e) {
                    current.completed();  // refused before it was queued: nothing reads the window for it
                    throw e;
                }
                written.onComplete(result -> {
                    current.completed();
                    if (result.failed()) {
                        fail(new ClientGone(result.cause()));
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        if (finished) {
            return;
        }
        if (position < end) {
            response.drainHandler(v -> next());
            return;
        }
        finished = true;
        window.issued();
        response.end().onComplete(ended -> {
            close();
            if (ended.succeeded()) {
                done.tryComplete();
            } else {
                done.tryFail(ended.cause());
            }
        });
    }

    /** Stops sending; the caller answers the failure (an S3 error, or a cut connection once the body began). */
    private void fail(Throwable cause) {
        if (!finished) {
            finished = true;
            if (window != null) {
                window.issued();
            }
            close();
        }
        done.tryFail(cause);
    }

    private void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debugf("object file not closed after its download: %s", e.toString());
        }
    }

    /**
     * A write to the client failed: it went away (a reset or a closed connection), which ends its
     * own download; the failure can come before the response sees the connection closed.
     */
    static final class ClientGone extends IOException {
        ClientGone(Throwable cause) {
            super("the client went away during the download", cause);
        }
    }

    /** A mapped part of the file and the writes still reading from it. */
    private static final class Window {
        private final MappedByteBuffer mapping;
        private final long start;
        private final long end;
        private int pending;
        private boolean issued;

        private Window(MappedByteBuffer mapping, long start, long end) {
            this.mapping = mapping;
            this.start = start;
            this.end = end;
        }

        static Window map(FileChannel channel, long start, long length) throws IOException {
            return new Window(channel.map(FileChannel.MapMode.READ_ONLY, start, length), start, start + length);
        }

        ByteBuffer slice(long from, int length) {
            return mapping.slice((int) (from - start), length);
        }

        /** No more writes will read from this window. */
        void issued() {
            issued = true;
            unmapWhenIdle();
        }

        void completed() {
            pending--;
            unmapWhenIdle();
        }

        private void unmapWhenIdle() {
            // at most once: a window is issued once, and none of its writes completes after the last
            if (issued && pending == 0) {
                PlatformDependent.freeDirectBuffer(mapping);
            }
        }
    }
}
