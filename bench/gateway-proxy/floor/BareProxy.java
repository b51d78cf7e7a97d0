import io.vertx.core.*;
import io.vertx.core.http.*;
import io.vertx.redis.client.*;

/**
 * The floor under the gateway: a bare Vert.x reverse proxy (HttpServer, pooled HttpClient, pipe; no
 * router, no auth, no logs), optionally with one EVALSHA of the gateway's sliding-window script per
 * request. Not a product: what a JVM proxy with one Redis round trip per request can do on this
 * machine at best. Run by bench/gateway-proxy/floor.sh.
 */
public class BareProxy extends AbstractVerticle {
    static int listen, origin, redisPort;
    static String sha;
    /** The gateway's own script, read from its source (RedisSlidingWindow.java, the 4th argument). */
    static String script;
    static final java.util.concurrent.atomic.LongAdder FAILURES = new java.util.concurrent.atomic.LongAdder();
    HttpClient client;
    RedisAPI redis;

    public static void main(String[] a) {
        listen = Integer.parseInt(a[0]); origin = Integer.parseInt(a[1]); redisPort = Integer.parseInt(a[2]);
        if (redisPort > 0) {
            String source = readSource(a[3]);
            int from = source.indexOf("\"\"\"") + 3;
            script = source.substring(from, source.indexOf("\"\"\"", from));
        }
        int loops = Runtime.getRuntime().availableProcessors(); // one per CPU, as the gateway
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        Future<Void> ready = Future.succeededFuture();
        if (redisPort > 0) {
            Redis r = Redis.createClient(vertx, "redis://127.0.0.1:" + redisPort);
            ready = RedisAPI.api(r).script(java.util.List.of("LOAD", script)).map(resp -> { sha = resp.toString(); return null; });
        }
        ready.compose(v -> vertx.deployVerticle(BareProxy.class.getName(), new DeploymentOptions().setInstances(loops)))
             .onSuccess(id -> System.out.println("ready")).onFailure(Throwable::printStackTrace);
    }

    static String readSource(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void start(Promise<Void> started) {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
        Future<Void> connected = Future.succeededFuture();
        if (redisPort > 0) {
            // one pipelined connection per event loop, as the gateway keeps: a pool would queue the
            // round trips behind its few connections, and fail them past its wait-queue limit
            connected = Redis.createClient(vertx, "redis://127.0.0.1:" + redisPort).connect()
                    .map(connection -> { redis = RedisAPI.api(connection); return null; });
        }
        connected.compose(v -> listen()).onComplete(started);
    }

    Future<Void> listen() {
        return vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/__failures")) {  // how many script runs failed (floor.sh prints it)
                req.response().end(Long.toString(FAILURES.sum()));
                return;
            }
            req.pause();
            if (redis == null) {
                forward(req);
            } else {
                // ARGV as the gateway sends it for a run of its own: limit, window ms, one decision
                redis.evalsha(java.util.List.of(sha, "1", "rl:bench", "1000000000", "1000", "1"))
                     .onComplete(ar -> {
                         if (ar.failed()) {
                             FAILURES.increment();
                         }
                         forward(req);
                     });
            }
        }).listen(listen).mapEmpty();
    }

    void forward(HttpServerRequest req) {
        client.request(req.method(), origin, "127.0.0.1", req.uri()).onSuccess(out -> {
            out.headers().setAll(req.headers());
            out.send(req).onSuccess(resp -> {
                HttpServerResponse r = req.response().setStatusCode(resp.statusCode());
                r.headers().setAll(resp.headers());
                resp.pipeTo(r);
            }).onFailure(e -> req.response().setStatusCode(502).end());
        }).onFailure(e -> req.response().setStatusCode(502).end());
    }
}
