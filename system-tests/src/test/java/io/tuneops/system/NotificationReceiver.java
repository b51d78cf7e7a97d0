package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * The far end of notification channels: a local HTTP server that records every request with its
 * arrival time and, for the paths it was given a {@code whsec_} secret for, whether its Standard
 * Webhooks signature verifies (checked on arrival, within the library's 5-minute tolerance). It
 * answers each path with a status and after a delay the test chooses, and can close its port and
 * open the same one again, as a receiver that goes down and comes back.
 */
final class NotificationReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived, with what the receiver answered. */
    record Received(Instant at, long nanos, String path, Map<String, String> headers, String body, int answered,
                    Boolean verified) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        boolean accepted() {
            return answered / 100 == 2;
        }
    }

    /** How a path answers: status, body and a delay before the answer. */
    record Answer(int status, String body, Duration delay) {
    }

    private static final Answer OK = new Answer(200, "ok", Duration.ZERO);

    private final int port;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Webhook> verifiers = new ConcurrentHashMap<>();
    private volatile Answer fallback = OK;
    private HttpServer server;

    NotificationReceiver() {
        server = bind(0);
        port = server.getAddress().getPort();
    }

    private HttpServer bind(int at) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", at), 200);
            s.setExecutor(executor);
            s.createContext("/", this::handle);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Verifies the Standard Webhooks signature of every request to {@code path} with this secret. */
    void verifyWith(String path, String secret) {
        try {
            verifiers.put(path, new Webhook(secret));
        } catch (EmptyWebhookSecretException e) {
            throw new IllegalArgumentException(e);
        }
    }

    void answer(String path, Answer answer) {
        answers.put(path, answer);
    }

    /** How every path answers that has no answer of its own. */
    void answerAll(Answer answer) {
        fallback = answer;
    }

    /** Closes the listening port: senders get "connection refused" until {@link #open()}. */
    synchronized void shut() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port. */
    synchronized void open() {
        if (server == null) {
            server = bind(port);
        }
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(Predicate<Received> filter) {
        return received.stream().filter(filter).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long nanos = System.nanoTime();
        Instant at = Instant.now();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        Map<String, String> headers = new HashMap<>();
        Map<String, List<String>> lists = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
            lists.put(name.toLowerCase(Locale.ROOT), values);
        });
        Boolean verified = null;
        Webhook verifier = verifiers.get(path);
        if (verifier != null) {
            try {
                verifier.verify(body, lists);
                verified = true;
            } catch (WebhookVerificationException e) {
                verified = false;
            }
        }
        Answer answer = answers.getOrDefault(path, fallback);
        received.add(new Received(at, nanos, path, Map.copyOf(headers), body, answer.status(), verified));
        if (!answer.delay().isZero()) {
            try {
                Thread.sleep(answer.delay().toMillis()); // the slow far end itself, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        shut();
        executor.shutdownNow();
    }
}
