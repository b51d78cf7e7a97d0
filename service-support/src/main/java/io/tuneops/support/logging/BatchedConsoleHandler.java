package io.tuneops.support.logging;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;

/**
 * Writes the request log (one line per request: by far the busiest logger) to the console in
 * batches. Hand-written because JBoss LogManager's async handler hands every record to its thread
 * through a locked queue, wakes that thread and makes one write(2) per record: under load a lock, a
 * thread wake-up and a system call per request. Here producers only append to a lock-free queue;
 * the writer wakes every {@link #LINGER_MILLIS} (or early, when the queue fills up), formats with
 * the console handler's own formatter and level (lines look exactly like every other line, JSON or
 * text) and writes whatever queued up in pieces of whole lines of at most {@link #PIPE_BUF} bytes,
 * which a pipe never interleaves with another writer's lines.
 * Beyond {@code capacity} queued records new ones are dropped and counted rather than blocking an
 * event loop; the count is reported on the console once there is room again.
 */
public final class BatchedConsoleHandler extends ExtHandler {

    /** POSIX: writes of at most this many bytes to a pipe are atomic. */
    static final int PIPE_BUF = 4096;
    /** Longest a line waits before it is written (nginx's access_log buffer waits up to a second). */
    static final long LINGER_MILLIS = 20;

    private final Handler console;
    private final OutputStream out;
    private final int capacity;
    private final ConcurrentLinkedQueue<ExtLogRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean awake = new AtomicBoolean();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param console the console handler whose formatter, level and filter apply
     * @param out     where the console writes (standard output or error)
     */
    public BatchedConsoleHandler(Handler console, OutputStream out, int capacity) {
        this.console = console;
        this.out = out;
        this.capacity = capacity;
        this.writer = new Thread(this::writeLoop, "request-log-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    protected void doPublish(ExtLogRecord record) {
        if (closed || !console.isLoggable(record)) {
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        // the MDC (correlation id) and the message must be captured on the caller's thread; the caller's
        // class and method only when the format prints them (finding them walks the stack: copyAll does)
        if (console instanceof ExtHandler && ((ExtHandler) console).isCallerCalculationRequired()) {
            record.copyAll();
        } else {
            record.disableCallerCalculation();
            record.copyMdc();
            record.getFormattedMessage();
        }
        queue.offer(record);
        // waking the writer per line would cost the futex call this class avoids: only a filling queue does
        if (queued.get() > capacity / 4 && awake.compareAndSet(false, true)) {
            LockSupport.unpark(writer);
        }
    }

    private void writeLoop() {
        byte[] batch = new byte[PIPE_BUF];
        while (true) {
            ExtLogRecord record = queue.poll();
            if (record == null) {
                if (closed) {
                    return;
                }
                awake.set(false);
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS));
                continue;
            }
            int length = 0;
            while (record != null) {
                queued.decrementAndGet();
                length = append(batch, length, format(record));
                record = length < PIPE_BUF / 2 ? queue.poll() : null;
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                length = append(batch, length, ("request log: " + lost + " lines dropped, the writer fell behind\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            length = write(batch, length);
        }
    }

    private byte[] format(ExtLogRecord record) {
        Formatter formatter = console.getFormatter();
        try {
            return formatter.format(record).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            reportError("request log line could not be formatted", e, ErrorManager.FORMAT_FAILURE);
            return new byte[0];
        }
    }

    /** Appends whole lines; what does not fit next to the lines already held is written first. */
    private int append(byte[] batch, int length, byte[] line) {
        if (length + line.length > batch.length) {
            length = write(batch, length);
        }
        if (line.length > batch.length) {  // a line longer than PIPE_BUF goes out on its own
            writeFully(line, line.length);
            return length;
        }
        System.arraycopy(line, 0, batch, length, line.length);
        return length + line.length;
    }

    private int write(byte[] batch, int length) {
        if (length > 0) {
            writeFully(batch, length);
        }
        return 0;
    }

    private void writeFully(byte[] bytes, int length) {
        try {
            out.write(bytes, 0, length);
            out.flush();
        } catch (IOException e) {
            reportError("request log could not be written", e, ErrorManager.WRITE_FAILURE);
        }
    }

    /** Lines queued but not yet written (tests and shutdown). */
    int backlog() {
        return queued.get();
    }

    @Override
    public void flush() {
        while (!queue.isEmpty() && writer.isAlive()) {
            LockSupport.unpark(writer);
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
