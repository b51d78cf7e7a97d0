package io.tuneops.support.http;

import io.netty.channel.ConnectTimeoutException;
import io.tuneops.support.store.Store;
import io.tuneops.support.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Connection failures are told in words, never by an exception's class name or an internal host name. */
class FailureWordsTest {

    @Test
    void eachKindOfFailureHasItsWords() {
        assertEquals("connection refused", FailureWords.of(new ConnectException("Connection refused: audit-service/10.0.0.7:8084")));
        assertEquals("connection refused", FailureWords.of(new CompletionException(new ConnectException("refused"))));
        assertEquals("no answer in time", FailureWords.of(new TimeoutException()));
        assertEquals("no answer in time", FailureWords.of(new ConnectTimeoutException("connection timed out: x:1")));
        assertEquals("host name not found", FailureWords.of(new UnknownHostException("audit-service")));
        assertEquals("TLS handshake failed", FailureWords.of(new SSLHandshakeException("PKIX path building failed")));
        assertEquals("connection failed", FailureWords.of(new IllegalStateException("something else")));
        assertEquals("Redis is not answering (no answer within 2000 ms)",
                FailureWords.of(StoreUnavailableException.notAnswering(Store.REDIS, Duration.ofSeconds(2))));
    }
}
