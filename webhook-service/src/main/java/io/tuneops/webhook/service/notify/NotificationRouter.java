package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.config.NotificationConfig;
import io.tuneops.webhook.repository.NotificationChannelRepository;
import io.tuneops.webhook.repository.NotificationEventRepository;
import io.tuneops.webhook.repository.NotificationPreferenceRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns outbox events into deliveries: in one transaction it takes a batch of unrouted events
 * (skipping those another replica's router holds), matches them against the preferences and
 * subscriptions of that moment (RouteMatcher), writes one delivery per event and channel and marks
 * the events routed. A crash before the COMMIT leaves the events unrouted for the next pass.
 */
@ApplicationScoped
public class NotificationRouter {

    private final NotificationEventRepository events;
    private final NotificationChannelRepository channels;
    private final NotificationPreferenceRepository preferences;
    private final int batchSize;

    public NotificationRouter(NotificationEventRepository events, NotificationChannelRepository channels,
                              NotificationPreferenceRepository preferences, NotificationConfig config) {
        this.events = events;
        this.channels = channels;
        this.preferences = preferences;
        this.batchSize = config.batchSize();
    }

    public int batchSize() {
        return batchSize;
    }

    /** Routes one batch; how many events it routed. */
    public Uni<Integer> routeOnce() {
        return events.transaction(tx -> events.claimUnrouted(tx, batchSize).chain(batch -> {
            if (batch.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Uni.combine().all().unis(channels.enabled(tx), preferences.enabled(tx)).asTuple().chain(t -> {
                Map<String, Channel> enabled = t.getItem1().stream()
                        .collect(Collectors.toMap(Channel::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
                List<Preference> prefs = t.getItem2();
                Map<String, Map<String, Set<String>>> routes = new HashMap<>();
                for (StoredEvent event : batch) {
                    Map<String, Set<String>> route = RouteMatcher.route(event, prefs, enabled);
                    if (!route.isEmpty()) {
                        routes.put(event.eventId(), route);
                    }
                }
                return events.writeRoutes(tx, batch, routes).replaceWith(batch.size());
            });
        }));
    }
}
