package io.tuneops.support.http;

import io.tuneops.support.logging.RequestLogBatching;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request a correlation id (the caller's {@code X-Correlation-ID} when it is
 * well-formed, a new one otherwise), puts it in the logging MDC so that every log line written
 * while serving the request carries it, returns it to the caller, and writes one request log line
 * with the duration and the client address when the response ends. The request header is rewritten too, so a proxy that
 * forwards the request forwards the same id.
 */
@ApplicationScoped
public class CorrelationIdHandler {

    public static final String HEADER = "X-Correlation-ID";
    public static final String MDC_KEY = "correlation_id";
    /** RoutingContext key under which the gateway (or the identity it vouched for) leaves the client address, as text. */
    public static final String CLIENT_IP = "tuneops.client-address";
    // a caller-supplied id is copied into logs and responses: only a safe alphabet, bounded length
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final HexFormat HEX = HexFormat.of();
    private static final Logger REQUEST_LOG = Logger.getLogger(RequestLogBatching.REQUEST_LOGGER);

    void register(@Observes Router router) {
        router.route().order(RequestStage.CORRELATION_ID.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String id = request.getHeader(HEADER);
        if (id == null || !ACCEPTABLE.matcher(id).matches()) {
            id = newId();
            request.headers().set(HEADER, id);
        }
        String correlationId = id;
        MDC.put(MDC_KEY, correlationId);
        rc.response().putHeader(HEADER, correlationId);
        long start = System.nanoTime();
        rc.addEndHandler(done -> logRequest(rc, correlationId, start));
        rc.next();
    }

    /**
     * 128 random bits as 32 hex digits. Not UUID.randomUUID(): its SecureRandom takes a lock and
     * mixes SHA-1 on every request, and an id that only ties log lines together needs no secrecy.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }

    private static void logRequest(RoutingContext rc, String correlationId, long startNanos) {
        String path = rc.request().path();
        // probes would drown the log: they are logged at DEBUG only
        Logger.Level level = path.startsWith("/q/") ? Logger.Level.DEBUG : Logger.Level.INFO;
        if (!REQUEST_LOG.isEnabled(level)) {
            return;
        }
        MDC.put(MDC_KEY, correlationId);
        long micros = (System.nanoTime() - startNanos) / 1_000;
        Object client = rc.get(CLIENT_IP);
        if (client == null && rc.request().remoteAddress() != null) {
            client = rc.request().remoteAddress().hostAddress();
        }
        // the query string is left out on purpose: presigned URLs carry signatures in it. Built by hand:
        // String.format parses its pattern on every call, on the busiest path there is
        String line = rc.request().method().name() + ' ' + path + ' ' + rc.response().getStatusCode() + ' '
                + (micros / 1000) + '.' + ((micros % 1000) / 100) + "ms client=" + client;
        REQUEST_LOG.log(level, line);
    }
}
