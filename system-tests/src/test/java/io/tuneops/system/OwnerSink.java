package io.tuneops.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * An owner for the gateway to forward to in tests that need more than the real services offer
 * yet: it swallows uploads of any size (answering their length and CRC32), serves downloads of any
 * size, and holds a request until the test releases it.
 */
final class OwnerSink implements AutoCloseable {

    final CountDownLatch holdArrived = new CountDownLatch(1);
    final CountDownLatch releaseHold = new CountDownLatch(1);
    private final HttpServer server;

    OwnerSink() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/cloud/storage/sink", this::sink);
        server.createContext("/api/cloud/storage/source", this::source);
        server.createContext("/api/cloud/storage/hold", this::hold);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void sink(HttpExchange exchange) throws IOException {
        CRC32 crc = new CRC32();
        long length = 0;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                length += n;
            }
        }
        respond(exchange, 200, "{\"length\":" + length + ",\"crc32\":" + crc.getValue() + "}");
    }

    private void source(HttpExchange exchange) throws IOException {
        long bytes = Long.parseLong(exchange.getRequestURI().getQuery().replace("bytes=", ""));
        byte[] chunk = pattern();
        exchange.sendResponseHeaders(200, bytes);
        try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent < bytes; sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
            }
        }
    }

    private void hold(HttpExchange exchange) throws IOException {
        holdArrived.countDown();
        try {
            releaseHold.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        respond(exchange, 200, "{\"released\":true}");
    }

    /** 1 MiB of bytes that are not all alike, so a corrupted or reordered chunk changes the CRC. */
    static byte[] pattern() {
        byte[] chunk = new byte[1024 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + (i >>> 8));
        }
        return chunk;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        releaseHold.countDown();
        server.stop(0);
    }
}
