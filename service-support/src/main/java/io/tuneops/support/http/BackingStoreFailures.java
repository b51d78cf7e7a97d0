package io.tuneops.support.http;

import io.tuneops.support.store.StoreUnavailableException;

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

    /**
     * Redis error replies of a server that is there but cannot serve yet: loading its data after a
     * restart, a replica since a failover (READONLY), a replica whose primary is down, a cluster
     * moving slots, a script running past its limit, too few replicas for a write.
     */
    private static final Set<String> REDIS_TRANSIENT = Set.of(
            "CONNECTION_CLOSED", "LOADING", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "BUSY", "NOREPLICAS");

    private BackingStoreFailures() {
    }

    /** What a caller is told when a backing service fails in a way no call site named. */
    public static final String UNAVAILABLE = "A backing service (PostgreSQL, Redis or a provider) is unavailable";

    /**
     * The failure in words for the caller, as a sentence, naming the store when a call site's
     * deadline or the store's client said which one it is ("Redis is not answering ..."); never
     * an exception class.
     */
    public static String describe(Throwable failure) {
        StoreUnavailableException store = storeFailure(failure);
        return store != null ? store.sentence() : UNAVAILABLE;
    }

    /** {@link #describe} to follow other words: "the database (PostgreSQL) is not answering ...". */
    public static String phrase(Throwable failure) {
        StoreUnavailableException store = storeFailure(failure);
        return store != null ? store.getMessage() : "a backing service (PostgreSQL, Redis or a provider) is unavailable";
    }

    /** How long the caller should wait before retrying, in seconds (Retry-After). */
    public static int retryAfterSeconds(Throwable failure) {
        StoreUnavailableException store = storeFailure(failure);
        return store != null && store.reason() == StoreUnavailableException.Reason.NOT_ANSWERING ? 2 : 5;
    }

    private static StoreUnavailableException storeFailure(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof StoreUnavailableException s) {
                return s;
            }
        }
        return null;
    }

    public static boolean isUnavailable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
            if (t instanceof ConnectException || CLOSED.contains(t.getClass().getName())) {
                return true;
            }
            // the Redis client also fails what was in flight on a dropped connection with CONNECTION_CLOSED
            if (t.getClass().getName().equals("io.vertx.redis.client.impl.types.ErrorType")
                    && REDIS_TRANSIENT.contains(firstWord(t.getMessage()))) {
                return true;
            }
            if (isPoolWaitTimeout(t)) {
                return true;
            }
            String state = sqlState(t);
            // 08: connection exception; 57P: shutting down, crashed, not accepting connections yet;
            // 53: out of resources (too many connections, disk full, out of memory);
            // 25006: read-only transaction, a standby answering since a failover
            if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                    || state.equals("25006"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * Every pooled connection stayed busy past the pool's wait limit: the reactive SQL client fails
     * with one of these two (by message: they are generic Vert.x exception types).
     */
    private static boolean isPoolWaitTimeout(Throwable t) {
        String type = t.getClass().getName();
        return (type.equals("io.vertx.core.VertxException") && "Timeout waiting for connection".equals(t.getMessage()))
                || (type.equals("io.vertx.core.impl.NoStackTraceThrowable") && "Timeout".equals(t.getMessage()));
    }

    private static String firstWord(String message) {
        if (message == null) {
            return "";
        }
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
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
