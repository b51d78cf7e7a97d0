package io.tuneops.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.redis.EventLoopRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends the rate-limit script runs an event loop asks for in one turn to Redis as one pipelined
 * batch: the requests a loop read in the same turn share a connection, one write(2) and one read,
 * on our side and on Redis's, and one pass through the time limit and circuit breaker
 * ({@link RateLimitRedisGuard}). Runs asked for with the same keys and arguments (one client under
 * one rule) share one script run: Redis spends most of a run on the run itself (looking the script
 * up, its clock, the Lua calls), little on each extra decision, so a client sending many requests
 * at once, a flood included, costs Redis one run per turn instead of one per request. The script
 * gets one argument after the caller's, how many requests share the run; each request learns its
 * position among them ({@link Share}).
 *
 * <p>Nothing waits for a timer: the batch leaves at the end of the turn that filled it. Each
 * request's future is bound to its own context, so it carries on on its own event loop whichever
 * loop the answer arrives on. Hand-written because the Redis client pipelines only what it is
 * handed together; if the batch fails (Redis restarted and forgot the script, or a connection
 * dropped), each run is retried alone through {@link LuaScript#eval}, which reloads the script.
 * A run retried after a dropped connection may have run already; its requests then count twice in
 * their window, which errs towards refusing, never towards admitting more than the limit.
 */
final class ScriptBatcher {

    /** The answer of the script run a request shared, and its position among the run's requests (from 0). */
    record Share(Response answer, int position) {
    }

    private record RunKey(List<String> keys, List<String> args) {
    }

    private static final class Run {
        final RunKey key;
        final List<Promise<Share>> sharers = new ArrayList<>(4);
        private List<String> arguments;

        Run(RunKey key) {
            this.key = key;
        }

        /** The caller's arguments and the number of sharers; the same again when the run is retried. */
        List<String> arguments() {
            if (arguments == null) {
                arguments = new ArrayList<>(key.args().size() + 1);
                arguments.addAll(key.args());
                arguments.add(Integer.toString(sharers.size()));
            }
            return arguments;
        }

        void complete(Response answer) {
            for (int i = 0; i < sharers.size(); i++) {
                sharers.get(i).complete(new Share(answer, i));
            }
        }

        void fail(Throwable failure) {
            sharers.forEach(p -> p.fail(failure));
        }
    }

    /** The runs one event loop has been asked for in its current turn, in order. */
    private static final class Turn {
        List<Run> runs = new ArrayList<>();
        final Map<RunKey, Run> open = new HashMap<>();

        Run runFor(RunKey key) {
            Run run = open.get(key);
            if (run == null) {
                run = new Run(key);
                open.put(key, run);
                runs.add(run);
            }
            return run;
        }

        List<Run> drain() {
            List<Run> batch = runs;
            runs = new ArrayList<>();
            open.clear();
            return batch;
        }
    }

    private final LuaScript script;
    private final EventLoopRedis redis;
    private final RateLimitRedisGuard guard;
    private final ThreadLocal<Turn> turn = ThreadLocal.withInitial(Turn::new);

    ScriptBatcher(EventLoopRedis redis, LuaScript script, RateLimitRedisGuard guard) {
        this.script = script;
        this.redis = redis;
        this.guard = guard;
    }

    Future<Share> eval(List<String> keys, List<String> args) {
        RunKey key = new RunKey(keys, args);
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {  // no turn to share
            Run run = new Run(key);
            Promise<Share> promise = Promise.promise();
            run.sharers.add(promise);
            send(List.of(run));
            return promise.future();
        }
        Turn current = turn.get();
        if (current.runs.isEmpty()) {
            context.runOnContext(v -> send(turn.get().drain()));
        }
        Promise<Share> promise = ((ContextInternal) context).promise();
        current.runFor(key).sharers.add(promise);
        return promise.future();
    }

    private void send(List<Run> batch) {
        guard.roundTrip(() -> pipelined(batch)).subscribe().with(answers -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).complete(answers.get(i));
            }
        }, failure -> batch.forEach(run -> run.fail(failure)));
    }

    private Uni<List<Response>> pipelined(List<Run> batch) {
        List<Request> requests = new ArrayList<>(batch.size());
        for (Run run : batch) {
            requests.add(script.evalsha(run.key.keys(), run.arguments()));
        }
        return UniHelper.toUni(redis.batch(requests))
                .onItem().transformToUni(answers -> answers.size() == batch.size()
                        ? Uni.createFrom().item(answers)
                        : Uni.createFrom().failure(new IllegalStateException("Redis answered " + answers.size() + " of " + batch.size())))
                .onFailure().recoverWithUni(() -> Uni.join().all(batch.stream().map(this::alone).toList()).andFailFast());
    }

    private Uni<Response> alone(Run run) {
        return script.eval(run.key.keys(), run.arguments());
    }
}
