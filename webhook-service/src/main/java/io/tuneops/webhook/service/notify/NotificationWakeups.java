package io.tuneops.webhook.service.notify;

import io.tuneops.webhook.repository.NotificationDeliveryRepository;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * LISTENs on the notification channel with its own connection, configured from the reactive
 * datasource's settings, and reconnects for as long as the service runs. A NOTIFY is only a
 * wake-up: the dispatcher also polls, so one lost while reconnecting delays work, never loses it.
 */
@ApplicationScoped
public class NotificationWakeups {

    private static final Logger LOG = Logger.getLogger(NotificationWakeups.class);

    private final Vertx vertx;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private PgSubscriber subscriber;

    public NotificationWakeups(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                               @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                               @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /** Calls {@code wake} on every notification, and once after every (re)connection, which may have missed some. */
    public synchronized void start(Runnable wake) {
        PgConnectOptions options = PgConnectOptions.fromUri(firstUrl(url));
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options)
                // reconnect forever, once a second: the dispatcher's poll covers the gap
                .reconnectPolicy(retries -> 1000L);
        subscriber.channel(NotificationDeliveryRepository.WAKE_CHANNEL)
                .subscribeHandler(() -> {
                    LOG.debug("listening for notification wake-ups");
                    wake.run();
                })
                .handler(payload -> wake.run());
        connect(subscriber, true);
    }

    /** The reconnect policy covers a lost connection; a first connection that fails is tried again here. */
    private void connect(PgSubscriber current, boolean first) {
        current.connect().subscribe().with(v -> { }, e -> {
            if (first) {
                LOG.warnf("notification wake-ups not connected yet (polling meanwhile): %s", e.toString());
            }
            vertx.setTimer(1000, id -> {
                synchronized (this) {
                    if (subscriber == current) {
                        connect(current, false);
                    }
                }
            });
        });
    }

    public synchronized void stop() {
        if (subscriber != null) {
            subscriber.close().subscribe().with(v -> { }, e -> { });
            subscriber = null;
        }
    }

    /** The first of Quarkus' comma-separated reactive URLs, without its optional {@code vertx-reactive:} prefix. */
    static String firstUrl(String configured) {
        String first = configured.split(",")[0].strip();
        return first.startsWith("vertx-reactive:") ? first.substring("vertx-reactive:".length()) : first;
    }
}
