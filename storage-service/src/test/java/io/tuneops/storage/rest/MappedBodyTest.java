package io.tuneops.storage.rest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A body sent from mappings of its file: the bytes of any range, across windows and partial
 * writes; the file's content as it was when opened, though the name is replaced meanwhile; and no
 * mapping left behind once the body is sent, or once the client hung up mid-way.
 */
class MappedBodyTest {

    /** Small windows and writes, so that a 7 MiB file spans several windows with a partial last write. */
    private static final long WINDOW = 3L << 20;
    private static final int CHUNK = 256 * 1024;
    private static final int SIZE = 7 * 1024 * 1024 + 12_345;

    @TempDir
    Path dir;
    private Vertx vertx;
    private HttpServer server;
    private Path object;
    private byte[] content;
    private final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

    @BeforeEach
    void serve() throws Exception {
        object = dir.resolve("object.bin");
        content = new byte[SIZE];
        new Random(7).nextBytes(content);
        Files.write(object, content);
        vertx = Vertx.vertx();
        // GET /{offset}/{length}: that range of the object's file
        server = vertx.createHttpServer().requestHandler(request -> {
            String[] range = request.path().substring(1).split("/");
            long offset = Long.parseLong(range[0]);
            long length = Long.parseLong(range[1]);
            try {
                FileChannel channel = FileChannel.open(object, StandardOpenOption.READ);
                request.response().putHeader("Content-Length", Long.toString(length));
                MappedBody.send(channel, request.response(), offset, length, WINDOW, CHUNK)
                        .onComplete(done -> outcome.complete(done.cause()));
            } catch (IOException e) {
                request.response().setStatusCode(500).end();
            }
        }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anyRangeArrivesWholeAndLeavesNoMapping() throws Exception {
        long[][] ranges = {{0, SIZE}, {1, SIZE - 1}, {WINDOW - 7, CHUNK + 14}, {SIZE - 1, 1}, {4097, 2 * WINDOW}};
        for (long[] r : ranges) {
            HttpResponse<byte[]> answer = client().send(request(r[0], r[1]), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, answer.statusCode());
            assertArrayEquals(Arrays.copyOfRange(content, (int) r[0], (int) (r[0] + r[1])), answer.body(),
                    "bytes " + r[0] + "+" + r[1]);
        }
        assertEquals(null, outcome.get(10, TimeUnit.SECONDS));
        awaitNoMapping();
    }

    @Test
    void theContentIsTheFilesAsOpenedThoughItsNameIsReplaced() throws Exception {
        HttpResponse<InputStream> answer = client().send(request(0, SIZE), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = answer.body()) {
            byte[] first = body.readNBytes(CHUNK);
            // a new version moves into place under the same name while the old one streams
            Path next = dir.resolve("next.bin");
            Files.write(next, new byte[SIZE]);
            Files.move(next, object, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            byte[] rest = body.readAllBytes();
            byte[] all = new byte[first.length + rest.length];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(rest, 0, all, first.length, rest.length);
            assertArrayEquals(content, all);
        }
        awaitNoMapping();
    }

    @Test
    void aClientThatHangsUpMidwayLeavesNoMapping() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.actualPort())) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.getOutputStream().write(("GET /0/" + SIZE + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes());
            InputStream in = socket.getInputStream();
            byte[] some = in.readNBytes(CHUNK);
            assertEquals(CHUNK, some.length);
            assertTrue(mapped(), "the body is sent from a mapping of the file");
            // closing with unread bytes resets the connection: the writes in flight fail
            socket.setSoLinger(true, 0);
        }
        Throwable failed = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(failed instanceof MappedBody.ClientGone, "the body failed as the client's own doing: " + failed);
        awaitNoMapping();
    }

    private void awaitNoMapping() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (mapped() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(mapped(), "a mapping of " + object + " is left in /proc/self/maps");
    }

    /** Whether this process maps the object's file (the current one, or the one it replaced). */
    private boolean mapped() throws IOException {
        String name = object.getFileName().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .anyMatch(line -> line.contains(dir.toString()) && (line.contains(name)));
    }

    private HttpRequest request(long offset, long length) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/" + offset + "/" + length)).build();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
}
