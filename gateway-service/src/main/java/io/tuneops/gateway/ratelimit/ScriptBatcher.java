package io.tuneops.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.gateway.audit.LuaScript;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends the rate-limit script runs an event loop asks for in one turn to Redis as one pipelined
 * batch. Every decision is still its own EVALSHA (one script run, answered in the batch's one round
 * trip), but the requests a loop read in the same turn share a connection, one write(2) and one
 * read, on our side and on Redis's, and one pass through the time limit and circuit breaker
 * ({@link RateLimitRedisGuard}). Nothing waits for a timer: the batch leaves at the end of the turn
 * that filled it. Each decision's future is bound to its request's context, so the request carries
 * on on its own event loop whichever loop the answer arrives on. Hand-written because the Redis
 * client pipelines only what it is handed together; if the batch fails (Redis restarted and forgot
 * the script, or a connection dropped), each run is retried alone through {@link LuaScript#eval},
 * which reloads the script.
 */
final class ScriptBatcher {

    private record Pending(List<String> keys, List<String> args, Promise<Response> promise) {
    }

    private final LuaScript script;
    private final EventLoopRedis redis;
    private final RateLimitRedisGuard guard;
    private final ThreadLocal<List<Pending>> turn = ThreadLocal.withInitial(ArrayList::new);

    ScriptBatcher(EventLoopRedis redis, LuaScript script, RateLimitRedisGuard guard) {
        this.script = script;
        this.redis = redis;
        this.guard = guard;
    }

    Future<Response> eval(List<String> keys, List<String> args) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {  // no turn to share
            Promise<Response> promise = Promise.promise();
            send(List.of(new Pending(keys, args, promise)));
            return promise.future();
        }
        List<Pending> pending = turn.get();
        if (pending.isEmpty()) {
            context.runOnContext(v -> flush());
        }
        Promise<Response> promise = ((ContextInternal) context).promise();
        pending.add(new Pending(keys, args, promise));
        return promise.future();
    }

    private void flush() {
        List<Pending> pending = turn.get();
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        send(batch);
    }

    private void send(List<Pending> batch) {
        guard.roundTrip(() -> pipelined(batch)).subscribe().with(answers -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).promise().complete(answers.get(i));
            }
        }, failure -> batch.forEach(p -> p.promise().fail(failure)));
    }

    private Uni<List<Response>> pipelined(List<Pending> batch) {
        List<Request> requests = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            requests.add(script.evalsha(p.keys(), p.args()));
        }
        return UniHelper.toUni(redis.batch(requests))
                .onItem().transformToUni(answers -> answers.size() == batch.size()
                        ? Uni.createFrom().item(answers)
                        : Uni.createFrom().failure(new IllegalStateException("Redis answered " + answers.size() + " of " + batch.size())))
                .onFailure().recoverWithUni(() -> Uni.join().all(batch.stream().map(this::alone).toList()).andFailFast());
    }

    private Uni<Response> alone(Pending p) {
        return script.eval(p.keys(), p.args()).map(io.vertx.mutiny.redis.client.Response::getDelegate);
    }
}
