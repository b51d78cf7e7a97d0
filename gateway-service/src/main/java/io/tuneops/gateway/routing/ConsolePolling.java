package io.tuneops.gateway.routing;

import io.vertx.core.http.HttpMethod;

import java.util.regex.Pattern;

/**
 * The console's fragments an open page asks for by itself every second (the jobs list's rows, a
 * job's live part): they get a rate-limit rule of their own, and they do not count as someone
 * using the session.
 */
public final class ConsolePolling {

    public static final Pattern PATHS = Pattern.compile("^/jobs/(rows|[^/]+/live)$");

    private ConsolePolling() {
    }

    public static boolean polls(HttpMethod method, String path) {
        return method == HttpMethod.GET && PATHS.matcher(path).matches();
    }
}
