package io.tuneops.gateway;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** For tests about which event loop does what: run work on a chosen loop, or keep a loop busy. */
public final class EventLoops {

    private EventLoops() {
    }

    public static List<EventLoop> of(Vertx vertx) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
            loops.add((EventLoop) executor);
        }
        return loops;
    }

    /** Runs the action on the loop and completes with its outcome. */
    public static <T> CompletableFuture<T> on(Vertx vertx, EventLoop loop, Supplier<Future<T>> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context(vertx, loop).runOnContext(v -> action.get().onComplete(done -> {
            if (done.succeeded()) {
                result.complete(done.result());
            } else {
                result.completeExceptionally(done.cause());
            }
        }));
        return result;
    }

    /**
     * Keeps the loop busy (it runs nothing else) until the returned latch is counted down, for at
     * most 5 s; returns once the loop is busy.
     */
    public static CountDownLatch stall(Vertx vertx, EventLoop loop) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(1);
        context(vertx, loop).runOnContext(v -> {
            stalled.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (!stalled.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError(loop + " did not start the stalling task");
        }
        return release;
    }

    private static ContextInternal context(Vertx vertx, EventLoop loop) {
        return ((VertxInternal) vertx).createEventLoopContext(loop, null, EventLoops.class.getClassLoader());
    }
}
