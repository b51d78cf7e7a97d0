package io.tuneops.support.http;

import java.lang.reflect.Method;
import java.net.ConnectException;
import java.util.Set;

/**
 * Tells a failure of something the request depends on being unreachable (PostgreSQL or Redis down,
 * restarting, failing over, out of connections; a refused outbound connection) from a bug: the
 * first is a 503 the caller may retry, the second a 500. Matched by class name and SQLSTATE because
 * service-support does not depend on either client. A client that went away (its socket closed) is
 * neither, and is not matched.
 */
public final class BackingStoreFailures {

    /** Closed or refused connections of the reactive SQL and Redis clients. */
    private static final Set<String> CLOSED = Set.of(
            "io.vertx.sqlclient.ClosedConnectionException",
            "io.netty.channel.ConnectTimeoutException",
            "io.vertx.core.http.ConnectionPoolTooBusyException");

    private BackingStoreFailures() {
    }

    public static boolean isUnavailable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof ConnectException || CLOSED.contains(t.getClass().getName())) {
                return true;
            }
            // the Redis client fails what was in flight on a dropped connection with this error reply
            if (t.getClass().getName().equals("io.vertx.redis.client.impl.types.ErrorType")
                    && String.valueOf(t.getMessage()).startsWith("CONNECTION_CLOSED")) {
                return true;
            }
            String state = sqlState(t);
            // 08: connection exception; 57P: shutting down, crashed, not accepting connections yet;
            // 53: out of resources (too many connections, disk full, out of memory)
            if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String sqlState(Throwable t) {
        try {
            Method m = t.getClass().getMethod("getSqlState");
            Object state = m.invoke(t);
            return state instanceof String s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
