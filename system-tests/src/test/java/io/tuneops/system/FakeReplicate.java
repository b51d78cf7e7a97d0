package io.tuneops.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for Replicate's HTTP API, at the base URL a provider configuration names: it starts
 * every training it is asked for (answering as Replicate does) and records each request, so a test
 * can count how often a job reached the provider.
 */
final class FakeReplicate implements AutoCloseable {

    /** One request as received. */
    record Call(String method, String path, String body) {
    }

    static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    FakeReplicate() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The trainings created: each is one job reaching the provider. */
    List<Call> trainingsCreated() {
        return calls.stream().filter(c -> c.method().equals("POST") && c.path().endsWith("/trainings")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        calls.add(new Call(method, path, body));
        if (method.equals("POST") && path.matches("/v1/models/[^/]+/[^/]+/versions/[^/]+/trainings")) {
            // unique across every instance of a suite run: webhook-service refuses a provider id twice
            respond(exchange, 201, training("tr_fake_" + java.util.UUID.randomUUID().toString().replace("-", ""), "starting"));
        } else if (method.equals("GET") && path.startsWith("/v1/trainings/")) {
            respond(exchange, 200, training(path.substring("/v1/trainings/".length()), "processing"));
        } else if (method.equals("GET") && path.equals("/v1/webhooks/default/secret")) {
            respond(exchange, 200, "{\"key\":\"" + WEBHOOK_SECRET + "\"}");
        } else if (method.equals("GET") && path.equals("/v1/account")) {
            respond(exchange, 200, "{\"type\":\"organization\",\"username\":\"tuneops-tests\",\"name\":\"tests\",\"github_url\":null}");
        } else {
            respond(exchange, 404, "{\"detail\":\"Not found.\"}");
        }
    }

    private static String training(String id, String status) {
        return "{\"id\":\"" + id + "\",\"model\":\"acme/base\",\"version\":\"v1\",\"status\":\"" + status + "\",\"input\":{},"
                + "\"logs\":null,\"output\":null,\"error\":null,\"created_at\":\"2026-12-06T09:00:00Z\",\"started_at\":null,"
                + "\"completed_at\":null,\"metrics\":null,\"urls\":{}}";
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
