package io.tuneops.support.http;

import io.tuneops.support.store.StoreUnavailableException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * What went wrong with a connection to another service, in words an operator reads in an error
 * message or a health report: never an exception's class name, never a host name from its text.
 */
public final class FailureWords {

    /** The kinds of connection failure a caller is told about. */
    enum Kind {
        NO_ANSWER("no answer in time"),
        REFUSED("connection refused"),
        UNKNOWN_HOST("host name not found"),
        TLS("TLS handshake failed"),
        CLOSED("connection closed"),
        OTHER("connection failed");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    private FailureWords() {
    }

    public static String of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException store) {
                return store.getMessage();
            }
            Kind kind = kind(t);
            if (kind != null) {
                return kind.words;
            }
        }
        return Kind.OTHER.words;
    }

    static Kind kind(Throwable t) {
        if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
            return Kind.NO_ANSWER;
        }
        if (t instanceof ConnectException) {
            return Kind.REFUSED;
        }
        if (t instanceof UnknownHostException) {
            return Kind.UNKNOWN_HOST;
        }
        if (t instanceof SSLException) {
            return Kind.TLS;
        }
        if (t instanceof ClosedChannelException || "Connection was closed".equals(t.getMessage())
                || "Connection reset".equals(t.getMessage())) {
            return Kind.CLOSED;
        }
        return null;
    }
}
