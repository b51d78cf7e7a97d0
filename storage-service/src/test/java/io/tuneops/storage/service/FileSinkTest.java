package io.tuneops.storage.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upload file sink on a real file: early flushes while the body arrives, back-pressure, and a drain that waits for every write. */
class FileSinkTest {

    private static final int PIECE = 64 * 1024;

    @TempDir
    Path dir;
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theDiskStartsOnTheBodyWhileItArrivesAndDrainWaitsForEveryWrite() throws Exception {
        Path path = dir.resolve("upload");
        byte[] body = new byte[(int) (3 * FileSink.FLUSH_BYTES + 12_345)];
        new Random(7).nextBytes(body);
        List<Integer> flushesBeforeDrain = new ArrayList<>();
        List<Integer> writesFinishedAtDrain = new ArrayList<>();
        AtomicInteger writesFinished = new AtomicInteger();

        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.runOnContext(v -> vertx.fileSystem().open(path.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
                .onFailure(done::completeExceptionally)
                .onSuccess(opened -> {
                    AsyncFile file = counting(opened, writesFinished);
                    FileSink sink = new FileSink(vertx, file, path);
                    feed(sink, body, 0, () -> {
                        flushesBeforeDrain.add(sink.earlyFlushes());
                        int writes = (body.length + FileSink.BATCH_BYTES - 1) / FileSink.BATCH_BYTES;
                        sink.drain()
                                .onSuccess(x -> writesFinishedAtDrain.add(writesFinished.get() - writes))
                                .compose(x -> file.flush()).compose(x -> file.close())
                                .onSuccess(x -> done.complete(null)).onFailure(done::completeExceptionally);
                    });
                }));
        done.get(60, TimeUnit.SECONDS);

        assertTrue(flushesBeforeDrain.get(0) >= 1,
                "an fdatasync started before the body ended (" + flushesBeforeDrain + " flushes for " + body.length + " bytes)");
        assertEquals(List.of(0), writesFinishedAtDrain, "drain completed once every write had finished");
        assertArrayEquals(body, Files.readAllBytes(path));
    }

    /** Feeds the body in network-sized pieces, pausing while the sink's queue is full, as the body reader does. */
    private static void feed(FileSink sink, byte[] body, int from, Runnable end) {
        int at = from;
        while (at < body.length) {
            int n = Math.min(PIECE, body.length - at);
            sink.write(Buffer.buffer().appendBytes(body, at, n));
            at += n;
            if (sink.full()) {
                int next = at;
                sink.onDrain(() -> feed(sink, body, next, end));
                return;
            }
        }
        end.run();
    }

    /** The file, counting finished writes. */
    private static AsyncFile counting(AsyncFile file, AtomicInteger writesFinished) {
        return (AsyncFile) Proxy.newProxyInstance(FileSinkTest.class.getClassLoader(), new Class<?>[] {AsyncFile.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(file, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("write") && method.getParameterCount() == 1 && result instanceof Future<?> f) {
                        Promise<Void> counted = Promise.promise();
                        f.onComplete(r -> {
                            writesFinished.incrementAndGet();
                            counted.handle(r.mapEmpty());
                        });
                        return counted.future();
                    }
                    return result == file ? proxy : result;
                });
    }
}
