package io.tuneops.support.http;

import io.netty.channel.ConnectTimeoutException;
import io.tuneops.support.store.Store;
import io.tuneops.support.store.StoreUnavailableException;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** PostgreSQL or Redis being unreachable is a 503 the caller may retry; a bug stays a 500. */
class JsonErrorMappersTest {

    private final JsonErrorMappers mappers = new JsonErrorMappers();

    @Test
    void unreachableBackingStoresAreServiceUnavailableWithRetryAfter() {
        assertUnavailable(mappers.unexpected(new ConnectException("Connection refused")));
        assertUnavailable(mappers.unexpected(new CompletionException(new ConnectException("Connection refused"))));
        assertUnavailable(mappers.unexpected(ClosedConnectionException.INSTANCE));
        assertUnavailable(mappers.unexpected(new ConnectTimeoutException("connection timed out")));
        assertUnavailable(mappers.unexpected(ErrorType.create("CONNECTION_CLOSED")));
        // PostgreSQL shutting down, restarting, or out of connections
        assertUnavailable(mappers.unexpected(new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)));
        assertUnavailable(mappers.unexpected(new PgException("the database system is starting up", "FATAL", "57P03", null)));
        assertUnavailable(mappers.unexpected(new PgException("sorry, too many clients already", "FATAL", "53300", null)));
        assertUnavailable(mappers.unexpected(new PgException("connection failure", "FATAL", "08006", null)));
        // a standby answering writes since a failover
        assertUnavailable(mappers.unexpected(new PgException("cannot execute INSERT in a read-only transaction", "ERROR", "25006", null)));
        // every pooled connection busy past the pool's wait limit (the reactive SQL client's two forms)
        assertUnavailable(mappers.unexpected(new VertxException("Timeout waiting for connection", true)));
        assertUnavailable(mappers.unexpected(new NoStackTraceThrowable("Timeout")));
        // Redis there but not serving: restarting, a replica since a failover, a script past its limit
        assertUnavailable(mappers.unexpected(ErrorType.create("LOADING Redis is loading the dataset in memory")));
        assertUnavailable(mappers.unexpected(ErrorType.create("READONLY You can't write against a read only replica.")));
        assertUnavailable(mappers.unexpected(ErrorType.create("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")));
        assertUnavailable(mappers.unexpected(ErrorType.create("BUSY Redis is busy running a script.")));
        assertUnavailable(mappers.unexpected(new CompletionException(ErrorType.create("TRYAGAIN Multiple keys request during rehashing of slot"))));
    }

    @Test
    void otherFailuresStayInternalErrorsWithoutDetails() {
        Response bug = mappers.unexpected(new IllegalStateException("a bug with a secret in its message"));
        assertEquals(500, bug.getStatus());
        assertEquals("Internal server error", ((ErrorResponse) bug.getEntity()).detail());
        assertNull(bug.getHeaderString("Retry-After"));
        // a constraint violation is the code's mistake, not an outage
        assertEquals(500, mappers.unexpected(new PgException("duplicate key value", "ERROR", "23505", null)).getStatus());
        assertEquals(500, mappers.unexpected(ErrorType.create("WRONGTYPE Operation against a key")).getStatus());
        assertEquals(500, mappers.unexpected(ErrorType.create("ERR unknown command 'FOO'")).getStatus());
        assertEquals(500, mappers.unexpected(ErrorType.create("BUSYKEY Target key name already exists.")).getStatus());
        assertEquals(500, mappers.unexpected(new VertxException("Timeout of something of ours", true)).getStatus());
        assertEquals(500, mappers.unexpected(new NoStackTraceThrowable("Timeout of something of ours")).getStatus());
        assertFalse(BackingStoreFailures.isUnavailable(new RuntimeException("no cause")));
        // the client hung up: not an outage of ours
        assertFalse(BackingStoreFailures.isUnavailable(new java.nio.channels.ClosedChannelException()));
        assertEquals(500, mappers.unexpected(new java.io.IOException("Connection reset by peer")).getStatus());
    }

    private static void assertUnavailable(Response response) {
        assertEquals(503, response.getStatus());
        assertEquals("5", response.getHeaderString("Retry-After"));
        assertEquals(BackingStoreFailures.UNAVAILABLE + "; retry shortly", ((ErrorResponse) response.getEntity()).detail());
    }

    @Test
    void aStoreThatDoesNotAnswerIsNamedInWordsWithAShortRetryAfter() {
        Response response = mappers.unexpected(new java.util.concurrent.CompletionException(
                StoreUnavailableException.notAnswering(Store.REDIS, java.time.Duration.ofSeconds(2))));
        assertEquals(503, response.getStatus());
        assertEquals("2", response.getHeaderString("Retry-After"));
        assertEquals("Redis is not answering (no answer within 2000 ms); retry shortly",
                ((ErrorResponse) response.getEntity()).detail());

        Response refused = mappers.unexpected(StoreUnavailableException.unreachable(Store.DATABASE,
                new ConnectException("Connection refused: localhost/127.0.0.1:5432")));
        assertEquals(503, refused.getStatus());
        assertEquals("5", refused.getHeaderString("Retry-After"));
        String detail = ((ErrorResponse) refused.getEntity()).detail();
        assertEquals("The database (PostgreSQL) cannot be reached; retry shortly", detail);
        assertFalse(detail.contains("Exception"));
    }
}
