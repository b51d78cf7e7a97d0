package io.tuneops.gateway.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.gateway.audit.LuaScript;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends the rate-limit script runs an event loop asks for in one turn to Redis as one pipelined
 * batch. Every decision is still its own EVALSHA (one script run, answered in the batch's one round
 * trip), but the requests a loop read in the same turn share a connection, one write(2) and one
 * read, on our side and on Redis's. Nothing waits for a timer: the batch leaves at the end of the
 * turn that filled it. Hand-written because the Redis client pipelines only what it is handed
 * together; if the batch fails (Redis restarted and forgot the script, or a connection dropped),
 * each run is retried alone through {@link LuaScript#eval}, which reloads the script.
 */
final class ScriptBatcher {

    private record Pending(List<String> keys, List<String> args, Promise<Response> promise) {
    }

    private final LuaScript script;
    private final Redis redis;
    private final ThreadLocal<List<Pending>> turn = ThreadLocal.withInitial(ArrayList::new);

    ScriptBatcher(ReactiveRedisDataSource redis, LuaScript script) {
        this.script = script;
        this.redis = redis.getRedis().getDelegate();
    }

    Uni<Response> eval(List<String> keys, List<String> args) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            if (context == null || !context.isEventLoopContext()) {  // no turn to share
                return alone(keys, args);
            }
            return UniHelper.toUni(enqueue(context, keys, args));
        });
    }

    private Future<Response> enqueue(Context context, List<String> keys, List<String> args) {
        List<Pending> pending = turn.get();
        if (pending.isEmpty()) {
            context.runOnContext(v -> flush());
        }
        Promise<Response> promise = Promise.promise();
        pending.add(new Pending(keys, args, promise));
        return promise.future();
    }

    private void flush() {
        List<Pending> pending = turn.get();
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        List<Request> requests = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            requests.add(script.evalsha(p.keys(), p.args()));
        }
        redis.batch(requests).onComplete(answer -> {
            if (answer.succeeded() && answer.result().size() == batch.size()) {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).promise().complete(answer.result().get(i));
                }
            } else {
                for (Pending p : batch) {
                    alone(p.keys(), p.args()).subscribe().with(p.promise()::complete, p.promise()::fail);
                }
            }
        });
    }

    private Uni<Response> alone(List<String> keys, List<String> args) {
        return script.eval(keys, args).map(io.vertx.mutiny.redis.client.Response::getDelegate);
    }
}
