package io.tuneops.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A local HTTP server standing for a webhook or Slack receiver: it records every request and answers as told. */
final class LocalReceiver implements AutoCloseable {

    /** One request as it arrived: the request line's method and target, header names lower-case. */
    record Received(String method, String uri, String path, Map<String, List<String>> headers, String body, Instant at) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** What to answer: a status, after a delay. */
    record Answer(int status, long delayMs) {
        static Answer ok() {
            return new Answer(200, 0);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final boolean tls;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Answer> answers = r -> Answer.ok();

    LocalReceiver() {
        this(new HttpServerOptions());
    }

    /** An https receiver presenting the certificate in a PKCS#12 keystore. */
    LocalReceiver(Path keystore, String password) {
        this(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword(password)));
    }

    private LocalReceiver(HttpServerOptions options) {
        this.tls = options.isSsl();
        try {
            server = vertx.createHttpServer(options).requestHandler(request -> request.body().onSuccess(body -> {
                Map<String, List<String>> headers = new HashMap<>();
                request.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(), k -> new ArrayList<>()).add(h.getValue()));
                Received r = new Received(request.method().name(), request.uri(), request.path(), headers, body.toString(), Instant.now());
                received.add(r);
                Answer answer = answers.apply(r);
                Runnable respond = () -> request.response().setStatusCode(answer.status()).end(answer.status() < 300 ? "ok" : "unavailable");
                if (answer.delayMs() > 0) {
                    vertx.setTimer(answer.delayMs(), id -> respond.run());
                } else {
                    respond.run();
                }
            })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("receiver did not start", e);
        }
    }

    String url(String path) {
        return (tls ? "https" : "http") + "://127.0.0.1:" + server.actualPort() + path;
    }

    void answer(Function<Received, Answer> how) {
        this.answers = how;
    }

    /** The requests whose webhook-id (or, for Slack, path) is {@code key}. */
    List<Received> withId(String webhookId) {
        return received.stream().filter(r -> webhookId.equals(r.header("webhook-id"))).toList();
    }

    List<Received> all() {
        return List.copyOf(received);
    }

    List<Received> onPath(String path) {
        return received.stream().filter(r -> path.equals(r.path())).toList();
    }

    @Override
    public void close() {
        vertx.close();
    }
}
