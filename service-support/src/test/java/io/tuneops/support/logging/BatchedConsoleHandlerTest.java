package io.tuneops.support.logging;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.MDC;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchedConsoleHandlerTest {

    /** Remembers every write(2) the handler makes. */
    static final class Writes extends OutputStream {
        final List<byte[]> calls = new ArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void write(int b) {
            throw new AssertionError("single bytes are never written");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            synchronized (calls) {
                calls.add(Arrays.copyOfRange(b, off, off + len));
            }
        }

        String text() {
            StringBuilder all = new StringBuilder();
            synchronized (calls) {
                calls.forEach(c -> all.append(new String(c, StandardCharsets.UTF_8)));
            }
            return all.toString();
        }
    }

    private static ConsoleHandler console(Level level) {
        ConsoleHandler console = new ConsoleHandler(new ExtFormatter() {
            @Override
            public String format(ExtLogRecord record) {
                return "[" + record.getMdc("correlation_id") + "] " + record.getFormattedMessage() + "\n";
            }
        });
        console.setLevel(level);
        return console;
    }

    private static ExtLogRecord record(Level level, String message) {
        ExtLogRecord record = new ExtLogRecord(level, message, ExtLogRecord.FormatStyle.NO_FORMAT, "test");
        record.setLoggerName(RequestLogBatching.REQUEST_LOGGER);
        return record;
    }

    private static void awaitDrained(BatchedConsoleHandler handler) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handler.backlog() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);  // polling a counter the writer thread decrements; no fixed wait stands in for it
        }
        handler.close();
    }

    @Test
    void everyLineArrivesOnceWholeInFewWritesOfAtMostPipeBuf() throws Exception {
        Writes out = new Writes();
        BatchedConsoleHandler handler = new BatchedConsoleHandler(console(Level.INFO), out, 65_536);
        int threads = 4;
        int perThread = 5_000;
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            producers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    MDC.put("correlation_id", "c" + thread + "-" + i);
                    handler.publish(record(Level.INFO, "GET /api/cloud/jobs/" + i + " 200 0.4ms client=10.0.0." + thread));
                }
                MDC.remove("correlation_id");
            }));
        }
        producers.forEach(Thread::start);
        for (Thread producer : producers) {
            producer.join();
        }
        awaitDrained(handler);

        String[] lines = out.text().split("\n");
        assertEquals(threads * perThread, lines.length);
        Set<String> distinct = new HashSet<>(Arrays.asList(lines));
        assertEquals(threads * perThread, distinct.size(), "no line twice");
        // the MDC was captured on the producer's thread, with its own message
        assertTrue(distinct.contains("[c3-4999] GET /api/cloud/jobs/4999 200 0.4ms client=10.0.0.3"));
        for (byte[] call : out.calls) {
            assertTrue(call.length <= BatchedConsoleHandler.PIPE_BUF, "a write of " + call.length + " bytes");
            assertEquals('\n', call[call.length - 1], "whole lines only");
        }
        assertTrue(out.calls.size() < lines.length / 5, out.calls.size() + " writes for " + lines.length + " lines");
    }

    @Test
    void theConsoleLevelApplies() throws Exception {
        Writes out = new Writes();
        BatchedConsoleHandler handler = new BatchedConsoleHandler(console(Level.WARNING), out, 100);
        handler.publish(record(Level.INFO, "probe"));
        handler.publish(record(Level.WARNING, "kept"));
        awaitDrained(handler);
        assertEquals("[null] kept\n", out.text());
    }

    @Test
    void aStuckConsoleDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
        Writes out = new Writes();
        out.gate = new CountDownLatch(1);  // the console does not take writes yet
        BatchedConsoleHandler handler = new BatchedConsoleHandler(console(Level.INFO), out, 10);
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            handler.publish(record(Level.INFO, "line " + i));
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "the caller was held up");
        out.gate.countDown();
        awaitDrained(handler);
        String text = out.text();
        long written = text.lines().filter(l -> l.startsWith("[null] line ")).count();
        long dropped = text.lines().filter(l -> l.endsWith(" lines dropped, the writer fell behind"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
        assertTrue(dropped > 0, text);
        assertEquals(1_000, written + dropped, "every line is either written or counted as dropped");
    }
}
