package io.tuneops.gateway.ratelimit;

import io.netty.channel.EventLoop;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decisions an event loop asks for in one turn for the same client and rule share one script run
 * in Redis, and still come out one by one: the first ones admitted while there is room, each with
 * its own remaining count, the rest refused, never more than the limit.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
@QuarkusTestResource(FakeOwnersResource.class)
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
        inOneTurn(List.of(new Ask("tuneops:rl:test:" + UUID.randomUUID(), 1)));
    }

    @Test
    void oneClientsDecisionsInOneTurnShareOneRunAndAdmitExactlyTheLimitInOrder() throws Exception {
        String key = "tuneops:rl:test:" + UUID.randomUUID();
        long runs = scriptRuns();
        List<Decision> decisions = inOneTurn(List.of(new Ask(key, 5), new Ask(key, 5), new Ask(key, 5), new Ask(key, 5),
                new Ask(key, 5), new Ask(key, 5), new Ask(key, 5), new Ask(key, 5)));
        assertEquals(1, scriptRuns() - runs);
        assertEquals(List.of(true, true, true, true, true, false, false, false), decisions.stream().map(Decision::allowed).toList());
        assertEquals(List.of(4, 3, 2, 1, 0, 0, 0, 0), decisions.stream().map(Decision::remaining).toList());
        assertEquals(5L, redis.sortedSet(String.class).zcard(key));
        // the next turn sees the window full
        assertFalse(inOneTurn(List.of(new Ask(key, 5))).get(0).allowed());
    }

    @Test
    void differentClientsInOneTurnAreDecidedApart() throws Exception {
        String a = "tuneops:rl:test:" + UUID.randomUUID();
        String b = "tuneops:rl:test:" + UUID.randomUUID();
        long runs = scriptRuns();
        List<Decision> decisions = inOneTurn(List.of(new Ask(a, 2), new Ask(b, 2), new Ask(a, 2), new Ask(a, 2)));
        assertEquals(2, scriptRuns() - runs);
        assertEquals(List.of(true, true, true, false), decisions.stream().map(Decision::allowed).toList());
        assertEquals(List.of(1, 1, 0, 0), decisions.stream().map(Decision::remaining).toList());
    }

    @Test
    void aRunIsSharedByAtMostMaxSharersRequests() throws Exception {
        String key = "tuneops:rl:test:" + UUID.randomUUID();
        int asks = ScriptBatcher.MAX_SHARERS + 1;
        List<Ask> all = new ArrayList<>();
        for (int i = 0; i < asks; i++) {
            all.add(new Ask(key, 5000));
        }
        long runs = scriptRuns();
        List<Decision> decisions = inOneTurn(all);
        assertEquals(2, scriptRuns() - runs);
        for (int i = 0; i < asks; i++) {
            assertTrue(decisions.get(i).allowed());
            assertEquals(5000 - 1 - i, decisions.get(i).remaining());
        }
        assertEquals((long) asks, redis.sortedSet(String.class).zcard(key));
    }

    private record Ask(String key, int limit) {
    }

    /** Asks for all the decisions in one task on one event loop, so they travel in one batch. */
    private List<Decision> inOneTurn(List<Ask> asks) throws Exception {
        return EventLoops.on(vertx, loop, () -> {
            List<Future<Decision>> futures = new ArrayList<>();
            for (Ask ask : asks) {
                futures.add(window.decide(ask.key(), ask.limit(), MINUTE));
            }
            return Future.all(futures).map(all -> futures.stream().map(Future::result).toList());
        }).get(10, TimeUnit.SECONDS);
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
