package io.tuneops.gateway.proxy;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoop;
import io.tuneops.gateway.EventLoops;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Proxied exchanges keep to their request's event loop: each loop has its own connection pool. One
 * shared pool lends a connection idle on one loop to a request on another, so the exchange crosses
 * threads both ways and waits whenever the connection's loop is busy.
 */
class EventLoopHttpClientsTest {

    private Vertx vertx;
    private HttpServer owner;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        owner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        owner.setExecutor(Executors.newCachedThreadPool());
        owner.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        owner.start();
    }

    @AfterEach
    void stop() throws Exception {
        owner.stop(0);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRequestOnOneLoopNeverWaitsForAConnectionOfAnother() throws Exception {
        EventLoopHttpClients clients = new EventLoopHttpClients(vertx, new HttpClientOptions().setKeepAlive(true), 4);
        List<EventLoop> loops = EventLoops.of(vertx);
        // the first loop leaves an idle keep-alive connection behind, the most recently used one
        assertEquals(204, EventLoops.on(vertx, loops.get(0), () -> get(clients)).get(5, TimeUnit.SECONDS));
        CountDownLatch release = EventLoops.stall(vertx, loops.get(0));
        try {
            // with one shared pool this exchange would get the first loop's connection and wait for it
            assertEquals(204, EventLoops.on(vertx, loops.get(1), () -> get(clients)).get(2, TimeUnit.SECONDS));
        } finally {
            release.countDown();
        }
    }

    private Future<Integer> get(EventLoopHttpClients clients) {
        return clients.current()
                .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(owner.getAddress().getPort()).setURI("/"))
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode()));
    }
}
