package io.tuneops.support.redis;

import io.netty.channel.EventLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Redis connection per event loop for the round trips a request waits for (the gateway's
 * rate-limit decisions, storage-service's credential lookups, audit appends), opened on that loop,
 * so such a call never leaves the loop its request is served on.
 *
 * <p>The Vert.x Redis client opens every connection on the event loop it was itself created on,
 * and Quarkus creates its shared client on one loop: a request served on any other loop would
 * cross threads on the way to Redis and back, each crossing a wake-up of the other loop, for every
 * call. So each loop gets a client of its own, created on that loop with the shared client's
 * options ({@link SharedRedisOptions}), and keeps one connection from it for good. Until that
 * connection is open, and after it drops (it is reopened at most once a second), a batch goes
 * through the shared client.
 */
@ApplicationScoped
public class EventLoopRedis {

    private static final Logger LOG = Logger.getLogger(EventLoopRedis.class);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Vertx vertx;
    private final Redis shared;
    private final SharedRedisOptions sharedOptions;
    private final Map<EventLoop, Loop> loops = new ConcurrentHashMap<>();

    public EventLoopRedis(Vertx vertx, Redis shared, SharedRedisOptions sharedOptions) {
        this.vertx = vertx;
        this.shared = shared;
        this.sharedOptions = sharedOptions;
    }

    /** Sends the requests as one pipelined batch, on the calling event loop's own connection when it has one. */
    public Future<List<Response>> batch(List<Request> requests) {
        RedisConnection own = ownConnection();
        return own != null ? own.batch(requests) : shared.batch(requests);
    }

    /** Sends one request, on the calling event loop's own connection when it has one; null for a nil reply. */
    public Future<Response> send(Request request) {
        RedisConnection own = ownConnection();
        return own != null ? own.send(request) : shared.send(request);
    }

    /** The calling event loop's connection, opening it if due; null off an event loop or while it is not open. */
    private RedisConnection ownConnection() {
        Context current = Vertx.currentContext();
        if (current == null || !current.isEventLoopContext()) {
            return null;
        }
        ContextInternal context = (ContextInternal) current;
        return loops.computeIfAbsent(context.nettyEventLoop(), loop -> new Loop()).connection(context);
    }

    /** Whether the calling event loop has its own connection open (for tests). */
    public boolean ownConnectionOpen() {
        Context current = Vertx.currentContext();
        Loop loop = current == null ? null : loops.get(((ContextInternal) current).nettyEventLoop());
        return loop != null && loop.connection != null;
    }

    void close(@Observes ShutdownEvent event) {
        loops.values().forEach(Loop::close);
    }

    /** One event loop's client and connection; touched only on that loop's thread (close excepted). */
    private final class Loop {

        private volatile Redis client;
        private RedisConnection connection;
        private boolean opening;
        private long retryAt = System.nanoTime();

        RedisConnection connection(ContextInternal context) {
            if (connection == null && !opening && System.nanoTime() - retryAt >= 0) {
                open(context.unwrap());
            }
            return connection;
        }

        /** Opens the connection on the loop's own context: a request's context would lend it its locals for good. */
        private void open(ContextInternal loopContext) {
            RedisOptions options = sharedOptions.copy();
            if (options == null) {
                return;
            }
            opening = true;
            loopContext.runOnContext(v -> {
                if (client == null) {
                    client = Redis.createClient(vertx, options.setMaxPoolSize(1));
                }
                client.connect().onComplete(opened -> {
                    opening = false;
                    if (opened.failed()) {
                        retryAt = System.nanoTime() + RETRY_NANOS;
                        LOG.debugf("event-loop Redis connection not opened, using the shared client: %s", opened.cause().toString());
                        return;
                    }
                    RedisConnection c = opened.result();
                    c.exceptionHandler(e -> drop(c));
                    c.endHandler(end -> drop(c));
                    connection = c;
                });
            });
        }

        private void drop(RedisConnection c) {
            if (connection == c) {
                connection = null;
                retryAt = System.nanoTime() + RETRY_NANOS;
                c.close();
            }
        }

        void close() {
            Redis c = client;
            if (c != null) {
                c.close();
            }
        }
    }
}
