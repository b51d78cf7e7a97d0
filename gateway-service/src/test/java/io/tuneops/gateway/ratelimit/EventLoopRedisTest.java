package io.tuneops.gateway.ratelimit;

import io.netty.channel.EventLoop;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.gateway.EventLoops;
import io.tuneops.gateway.FakeOwnersResource;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.support.redis.EventLoopRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate-limit round trips stay on the event loop of their request: each loop has a Redis connection
 * of its own, so a loop that is busy (or stalled) holds up only its own requests. With the shared
 * client every connection lives on the one loop that created it, and a decision from any other
 * loop waits for that loop.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class EventLoopRedisTest {

    @Inject
    Vertx vertx;

    @Inject
    EventLoopRedis loopRedis;

    @Inject
    RedisDataSource redis;

    @Test
    void aStalledLoopHoldsUpNoOtherLoopsRoundTrips() throws Exception {
        List<EventLoop> loops = EventLoops.of(vertx);
        assertTrue(loops.size() > 1, "the test needs two event loops");
        for (EventLoop loop : loops) {
            openOwnConnection(loop);
        }
        for (EventLoop stalled : loops) {
            CountDownLatch release = EventLoops.stall(vertx, stalled);
            try {
                for (EventLoop loop : loops) {
                    if (loop != stalled) {
                        // answered in well under a second although `stalled` runs nothing meanwhile
                        assertEquals("PONG", ping(loop).get(1, TimeUnit.SECONDS).get(0).toString());
                    }
                }
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void aLoopWhoseConnectionDroppedIsAnsweredMeanwhileAndReopensIt() throws Exception {
        EventLoop loop = EventLoops.of(vertx).get(0);
        openOwnConnection(loop);
        redis.execute("CLIENT", "KILL", "TYPE", "normal");
        // at most the one batch sent on the killed connection before its close was seen fails; the
        // rest are answered, by the shared client while the loop has no connection of its own
        // (reopened at most once a second), then on the new one
        int[] failed = {0};
        pingUntilOwnConnectionIs(false, loop, failed);
        pingUntilOwnConnectionIs(true, loop, failed);
        assertTrue(failed[0] <= 1, failed[0] + " batches failed");
        assertEquals("PONG", ping(loop).get(5, TimeUnit.SECONDS).get(0).toString());
    }

    private void pingUntilOwnConnectionIs(boolean open, EventLoop loop, int[] failed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                assertEquals("PONG", ping(loop).get(5, TimeUnit.SECONDS).get(0).toString());
            } catch (ExecutionException e) {
                failed[0]++;
            }
            if (EventLoops.on(vertx, loop, () -> Future.succeededFuture(loopRedis.ownConnectionOpen())).get(5, TimeUnit.SECONDS) == open) {
                return;
            }
        }
        throw new AssertionError("the loop's own connection never became " + (open ? "open" : "closed"));
    }

    private CompletableFuture<List<Response>> ping(EventLoop loop) {
        return EventLoops.on(vertx, loop, () -> loopRedis.batch(List.of(Request.cmd(Command.PING))));
    }

    /** Sends PINGs from the loop until it has its connection (the first goes through the shared client while it opens). */
    private void openOwnConnection(EventLoop loop) throws Exception {
        pingUntilOwnConnectionIs(true, loop, new int[1]);
    }
}
