package io.tuneops.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.impl.ContextInternal;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One HTTP client (and so one connection pool) per event loop for the proxied exchanges, so that
 * a request is served on one thread from the client's bytes to the owner's answer.
 *
 * <p>A Vert.x HTTP client opens a connection on the loop that asked for it but lends an idle one
 * to a request on any loop (its pool picks the most recently used connection, whatever its loop).
 * A request on another loop then crosses threads on the way to the owner and again on the way
 * back, each crossing an eventfd wake-up of the other loop. With a pool per loop every connection
 * belongs to the loop of the requests it carries. The configured connection limit is shared out
 * between the pools (rounded up, at least one each).
 */
final class EventLoopHttpClients {

    private final Map<EventLoop, HttpClient> clients = new IdentityHashMap<>();
    private final HttpClient other;

    EventLoopHttpClients(Vertx vertx, HttpClientOptions options, int maxConnections) {
        int loops = 0;
        for (EventExecutor ignored : vertx.nettyEventLoopGroup()) {
            loops++;
        }
        int perLoop = Math.max(1, (maxConnections + loops - 1) / loops);
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            clients.put((EventLoop) loop, vertx.createHttpClient(new HttpClientOptions(options).setMaxPoolSize(perLoop)));
        }
        // for a caller off the event loops (none among the proxy routes, but never a null client)
        this.other = vertx.createHttpClient(new HttpClientOptions(options).setMaxPoolSize(perLoop));
    }

    /** The calling event loop's client. */
    HttpClient current() {
        Context context = Vertx.currentContext();
        HttpClient client = context == null ? null : clients.get(((ContextInternal) context).nettyEventLoop());
        return client != null ? client : other;
    }

    /** Any one of the clients, for the proxy library, which asks for one though every exchange names its own. */
    HttpClient any() {
        return other;
    }
}
