package io.tuneops.gateway.ratelimit;

import io.netty.channel.EventLoop;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.gateway.EventLoops;
import io.tuneops.gateway.FakeOwnersResource;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Decisions an event loop asks for in one turn for the same client and rule share one script run
 * in Redis, and still come out one by one: the first ones admitted while there is room, each with
 * its own remaining count, the rest refused, never more than the limit.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class SharedScriptRunTest {

    private static final Duration MINUTE = Duration.ofSeconds(60);
    private static final Pattern CALLS = Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)");

    @Inject
    Vertx vertx;

    @Inject
    RedisSlidingWindow window;

    @Inject
    RedisDataSource redis;

    private EventLoop loop;

    @BeforeEach
    void loadTheScript() throws Exception {
        loop = EventLoops.of(vertx).get(0);
        // the first run after a start may be an EVALSHA that Redis does not know followed by an EVAL
        inOneTurn(List.of(new Ask(newKey(), 1)));
    }

    @Test
    void oneClientsDecisionsInOneTurnShareOneRunAndAdmitExactlyTheLimitInOrder() throws Exception {
        String key = newKey();
        long runs = scriptRuns();
        List<Decision> decisions = inOneTurn(List.of(new Ask(key, 5), new Ask(key, 5), new Ask(key, 5), new Ask(key, 5),
                new Ask(key, 5), new Ask(key, 5), new Ask(key, 5), new Ask(key, 5)));
        assertEquals(1, scriptRuns() - runs);
        assertEquals(List.of(true, true, true, true, true, false, false, false), allowed(decisions));
        assertEquals(List.of(4, 3, 2, 1, 0, 0, 0, 0), decisions.stream().map(Decision::remaining).toList());
        // the window holds the run, not each request: one entry after the head
        assertEquals(List.of("0", "5"), totals(key));
        // the next turn sees the window full, and adds nothing
        assertFalse(inOneTurn(List.of(new Ask(key, 5))).get(0).allowed());
        assertEquals(List.of("0", "5"), totals(key));
    }

    @Test
    void differentClientsInOneTurnAreDecidedApart() throws Exception {
        String a = newKey();
        String b = newKey();
        long runs = scriptRuns();
        List<Decision> decisions = inOneTurn(List.of(new Ask(a, 2), new Ask(b, 2), new Ask(a, 2), new Ask(a, 2)));
        assertEquals(2, scriptRuns() - runs);
        assertEquals(List.of(true, true, true, false), allowed(decisions));
        assertEquals(List.of(1, 1, 0, 0), decisions.stream().map(Decision::remaining).toList());
    }

    @Test
    void runsThatLeftTheWindowAreDroppedSoAWindowHoldsOnlyWhatItCounts() throws Exception {
        String key = newKey();
        Duration period = Duration.ofMillis(400);
        assertEquals(List.of(true, true, true), allowed(inOneTurn(List.of(new Ask(key, 5), new Ask(key, 5), new Ask(key, 5)), period)));
        assertEquals(List.of("0", "3"), totals(key));
        long first = Long.parseLong(redis.list(String.class).lindex(key, 1).split(" ")[0]);
        waitForRedisClock(first + 200);
        assertEquals(List.of(true), allowed(inOneTurn(List.of(new Ask(key, 5)), period)));
        // the first run leaves the window, the second is still in it
        waitForRedisClock(first + 401);
        List<Decision> decisions = inOneTurn(List.of(new Ask(key, 5), new Ask(key, 5), new Ask(key, 5), new Ask(key, 5),
                new Ask(key, 5)), period);
        assertEquals(List.of(true, true, true, true, false), allowed(decisions));
        assertEquals(List.of(3, 2, 1, 0, 0), decisions.stream().map(Decision::remaining).toList());
        // the head is now the run that left, holding the total up to it
        assertEquals(List.of("3", "4", "8"), totals(key));
    }

    private record Ask(String key, int limit) {
    }

    private List<Decision> inOneTurn(List<Ask> asks) throws Exception {
        return inOneTurn(asks, MINUTE);
    }

    /** Asks for all the decisions in one task on one event loop, so they travel in one batch. */
    private List<Decision> inOneTurn(List<Ask> asks, Duration period) throws Exception {
        return EventLoops.on(vertx, loop, () -> {
            List<Future<Decision>> futures = new ArrayList<>();
            for (Ask ask : asks) {
                futures.add(window.decide(ask.key(), ask.limit(), period));
            }
            return Future.all(futures).map(all -> futures.stream().map(Future::result).toList());
        }).get(10, TimeUnit.SECONDS);
    }

    private static String newKey() {
        return RedisSlidingWindow.KEY_PREFIX + "test:" + UUID.randomUUID();
    }

    private static List<Boolean> allowed(List<Decision> decisions) {
        return decisions.stream().map(Decision::allowed).toList();
    }

    /** The running totals the window's entries hold, head first. */
    private List<String> totals(String key) {
        return redis.list(String.class).lrange(key, 0, -1).stream().map(entry -> entry.substring(entry.indexOf(' ') + 1)).toList();
    }

    /** Until Redis's own clock, which the windows run on, reads at least the given time (ms). */
    private void waitForRedisClock(long millis) {
        while (redisMillis() < millis) {
            Thread.onSpinWait();
        }
    }

    private long redisMillis() {
        var time = redis.execute("TIME");
        return time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
    }

    private long scriptRuns() {
        Matcher m = CALLS.matcher(redis.execute("INFO", "commandstats").toString());
        long calls = 0;
        while (m.find()) {
            calls += Long.parseLong(m.group(1));
        }
        return calls;
    }
}
