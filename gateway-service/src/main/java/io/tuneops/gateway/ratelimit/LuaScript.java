package io.tuneops.gateway.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run with EVALSHA, sent again with EVAL when Redis does not know it (after a
 * restart or a failover), so the common case costs one round trip without the script's text.
 * Its main user is the rate limiter, whose batches ({@link ScriptBatcher}) send the EVALSHA among
 * other commands; the gateway's audit coalescing runs its script through it too.
 */
public final class LuaScript {

    private final ReactiveRedisDataSource redis;
    private final String source;
    private final String sha1;

    public LuaScript(ReactiveRedisDataSource redis, String source) {
        this.redis = redis;
        this.source = source;
        this.sha1 = sha1(source);
    }

    /** EVALSHA of this script, for callers that send it with other commands (see ScriptBatcher). */
    public Request evalsha(List<String> keys, List<String> args) {
        Request request = Request.cmd(Command.EVALSHA).arg(sha1).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    public Uni<Response> eval(List<String> keys, List<String> args) {
        return redis.execute("EVALSHA", arguments(sha1, keys, args))
                .onFailure(LuaScript::isNoScript)
                .recoverWithUni(() -> redis.execute("EVAL", arguments(source, keys, args)))
                .map(answer -> answer.getDelegate());
    }

    private static String[] arguments(String script, List<String> keys, List<String> args) {
        List<String> all = new ArrayList<>(2 + keys.size() + args.size());
        all.add(script);
        all.add(Integer.toString(keys.size()));
        all.addAll(keys);
        all.addAll(args);
        return all.toArray(new String[0]);
    }

    private static boolean isNoScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
