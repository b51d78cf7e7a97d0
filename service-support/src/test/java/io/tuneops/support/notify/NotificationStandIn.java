package io.tuneops.support.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tuneops.support.SharedNames;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * webhook-service's internal notification ingest as far as the relay sees it (for the tests of
 * every service that relays an outbox; shared as service-support's test jar): records every POST
 * to {@link SharedNames#INTERNAL_NOTIFICATION_EVENTS} and answers 202, 503 while told to be
 * unavailable, or 400 to the event types it is told to refuse (a webhook-service older than them).
 * The service under test gets it as its webhook-service, with its relay on (off in the other tests)
 * and short backoffs; the poll interval is long, so an event that arrives within seconds was relayed
 * because its write woke the relay. Init args named {@code tuneops.outbox-relay.*} replace these
 * settings for one test class.
 */
public class NotificationStandIn implements QuarkusTestResourceLifecycleManager {

    /** One POST and what it was answered. */
    public record Received(JsonObject body, String secret, int status) {
        public String eventId() {
            return body.getString("event_id");
        }
    }

    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static volatile boolean unavailable;
    private static final Set<String> REFUSED_TYPES = ConcurrentHashMap.newKeySet();
    private final Map<String, String> settings = new HashMap<>(Map.of(
            "tuneops.outbox-relay.enabled", "true",
            "tuneops.outbox-relay.poll-interval", "10m",
            "tuneops.outbox-relay.backoff-initial", "100ms",
            "tuneops.outbox-relay.backoff-max", "400ms"));
    private HttpServer server;

    @Override
    public void init(Map<String, String> initArgs) {
        initArgs.forEach((name, value) -> {
            if (!name.startsWith("tuneops.outbox-relay.")) {
                throw new IllegalArgumentException("not a relay setting: " + name);
            }
            settings.put(name, value);
        });
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("notification stand-in cannot listen", e);
        }
        server.createContext(SharedNames.INTERNAL_NOTIFICATION_EVENTS, NotificationStandIn::receive);
        server.start();
        Map<String, String> config = new HashMap<>(settings);
        config.put("tuneops.upstream.webhook", "http://127.0.0.1:" + server.getAddress().getPort());
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void receive(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            JsonObject body = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            int status = !"POST".equals(exchange.getRequestMethod()) ? 405 : unavailable ? 503
                    : REFUSED_TYPES.contains(body.getString("event_type")) ? 400 : 202;
            RECEIVED.add(new Received(body, exchange.getRequestHeaders().getFirst(GatewayIdentityHandler.SECRET_HEADER), status));
            byte[] answer = new JsonObject().put("event_id", body.getString("event_id")).put("created", status == 202).encode()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        } catch (RuntimeException | Error e) {
            // otherwise the relay's log would only show a closed connection
            e.printStackTrace();
            throw e;
        } finally {
            exchange.close();
        }
    }

    /** While true every POST is answered 503. */
    public static void unavailable(boolean value) {
        unavailable = value;
    }

    /** While {@code refused}, events of {@code eventType} are answered 400, as by a webhook-service that does not know the type. */
    public static void refuse(String eventType, boolean refused) {
        if (refused) {
            REFUSED_TYPES.add(eventType);
        } else {
            REFUSED_TYPES.remove(eventType);
        }
    }

    /** Every POST of {@code eventId} so far, in order. */
    public static List<Received> received(String eventId) {
        return RECEIVED.stream().filter(r -> eventId.equals(r.eventId())).toList();
    }

    /** The POSTs of {@code eventId} once {@code enough} of them have arrived (up to 20 s). */
    public static List<Received> awaitReceived(String eventId, int enough) {
        awaitTrue(() -> received(eventId).size() >= enough, enough + " POST(s) of " + eventId + " never arrived");
        return received(eventId);
    }

    /** The first POST of {@code eventId} that was answered 202 (up to 20 s). */
    public static Received awaitAccepted(String eventId) {
        awaitTrue(() -> received(eventId).stream().anyMatch(r -> r.status() == 202), eventId + " was never accepted");
        return received(eventId).stream().filter(r -> r.status() == 202).findFirst().orElseThrow();
    }

    /** Polls {@code condition} every 20 ms for up to 20 s. */
    public static void awaitTrue(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());  // polling interval
        }
        throw new AssertionError(failure);
    }
}
