package io.tuneops.gateway.ratelimit;

import io.tuneops.gateway.config.RateLimitConfig.FailureMode;
import io.tuneops.gateway.routing.RoutePatterns;
import io.vertx.core.http.HttpMethod;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One rate-limit rule: requests matching {@code pattern} (searched from the start of the path, as
 * the guide's rules are written) with one of {@code methods} (null: any) share {@code calls}
 * per sliding {@code period}, per client.
 */
public record RateLimitRule(String name, Pattern pattern, int calls, Duration period, Set<HttpMethod> methods,
                            FailureMode onRedisFailure, String literalPrefix) {

    public RateLimitRule(String name, Pattern pattern, int calls, Duration period, Set<HttpMethod> methods,
                         FailureMode onRedisFailure) {
        this(name, pattern, calls, period, methods, onRedisFailure,
                RoutePatterns.literalPrefix(pattern.pattern().startsWith("^") ? pattern.pattern().substring(1) : ""));
    }

    public boolean matches(HttpMethod method, String path) {
        return (methods == null || methods.contains(method)) && path.startsWith(literalPrefix)
                && pattern.matcher(path).lookingAt();
    }


    public RateLimitRule withCalls(String suffix, int newCalls) {
        return new RateLimitRule(name + suffix, pattern, newCalls, period, methods, onRedisFailure, literalPrefix);
    }
}
