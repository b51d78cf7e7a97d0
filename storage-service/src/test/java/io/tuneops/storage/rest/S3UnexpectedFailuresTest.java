package io.tuneops.storage.rest;

import io.tuneops.storage.s3.S3Exception;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Failures no S3 error names: a backing service that is down, restarting or failing over is 503
 * ServiceUnavailable (S3 clients retry it with back-off); a bug is InternalError.
 */
class S3UnexpectedFailuresTest {

    @Test
    void backingServiceOutagesAreServiceUnavailable() {
        assertServiceUnavailable(S3Routes.unexpected(new ConnectException("Connection refused")));
        assertServiceUnavailable(S3Routes.unexpected(new PgException("the database system is shutting down", "FATAL", "57P03", null)));
        assertServiceUnavailable(S3Routes.unexpected(new PgException("cannot execute UPDATE in a read-only transaction", "ERROR", "25006", null)));
        assertServiceUnavailable(S3Routes.unexpected(new VertxException("Timeout waiting for connection", true)));
        assertServiceUnavailable(S3Routes.unexpected(ErrorType.create("LOADING Redis is loading the dataset in memory")));
        assertServiceUnavailable(S3Routes.unexpected(ErrorType.create("READONLY You can't write against a read only replica.")));
    }

    @Test
    void bugsAreInternalErrors() {
        S3Exception bug = S3Routes.unexpected(new IllegalStateException("a bug"));
        assertEquals(500, bug.status());
        assertEquals("InternalError", bug.code());
        assertEquals(500, S3Routes.unexpected(new PgException("duplicate key value", "ERROR", "23505", null)).status());
        assertEquals(500, S3Routes.unexpected(ErrorType.create("WRONGTYPE Operation against a key")).status());
    }

    @Test
    void aStoreThatDoesNotAnswerIsNamedInTheMessage() {
        S3Exception e = S3Routes.unexpected(io.tuneops.support.store.StoreUnavailableException.notAnswering(
                io.tuneops.support.store.Store.REDIS, java.time.Duration.ofSeconds(2)));
        assertServiceUnavailable(e);
        assertEquals("Please retry: Redis is not answering (no answer within 2000 ms).", e.getMessage());
    }

    private static void assertServiceUnavailable(S3Exception e) {
        assertEquals(503, e.status());
        assertEquals("ServiceUnavailable", e.code());
    }
}
