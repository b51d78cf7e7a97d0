package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At least once, never lost: job events flow to a Standard Webhooks endpoint whose receiver answers
 * slowly; webhook-service (the dispatcher) is killed with SIGKILL while deliveries are in flight and
 * started again; then the receiver goes down (its port closed, then 503) while more events are
 * written, and comes back. Every event in the outbox ends delivered: the distinct webhook-ids the
 * receiver accepted are exactly the outbox's events, every copy verifies, and a redelivery carries
 * the event's webhook-id and the same payload. webhook-service runs here with short backoff and
 * lease settings so the test takes seconds, not minutes; the suite's own process is put back after.
 */
@ExtendWith(Suite.Extension.class)
class NotificationDeliveryCrashIT {

    static final int JOBS_BEFORE_KILL = 70;
    static final int JOBS_WHILE_DOWN = 30;
    static final List<String> TYPES = List.of("job.submitted", "job.started", "job.completed");
    /** Three events a job: submitted, started, completed. */
    static final int EVENTS = (JOBS_BEFORE_KILL + JOBS_WHILE_DOWN) * TYPES.size();
    static final Map<String, String> SHORT_TIMINGS = Map.of(
            "TUNEOPS_NOTIFICATIONS_BACKOFF_INITIAL", "200ms",
            "TUNEOPS_NOTIFICATIONS_BACKOFF_MAX", "2s",
            "TUNEOPS_NOTIFICATIONS_LEASE", "5s",
            "TUNEOPS_NOTIFICATIONS_MAX_ATTEMPTS", "60",
            "TUNEOPS_NOTIFICATIONS_DELIVERY_TIMEOUT", "3s");
    private static final String PATH = "/hooks/crash";

    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    @BeforeAll
    static void webhookServiceWithShortTimings() {
        Suite.Extension.suite().restart("webhook-service", SHORT_TIMINGS);
    }

    @AfterAll
    static void suiteWebhookServiceBack() {
        Suite.Extension.suite().restart("webhook-service", Map.of());
    }


    private Http.Reply admin(String method, String path, String body) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
    }

    private Connection database() throws SQLException {
        return DriverManager.getConnection(suite.servers.jdbcUrl(), "postgres", "");
    }

    @Test
    void killNineMidDeliveryAndAReceiverDownForAWhileLoseNoEvent() throws Exception {
        String endpointId = null;
        try (NotificationReceiver receiver = new NotificationReceiver();
             GenericRunner runner = new GenericRunner(suite, "10.31")) {
            // a receiver that takes two seconds per delivery: the dispatcher has many in flight when it dies, and more waiting
            receiver.answerAll(new NotificationReceiver.Answer(200, "ok", Duration.ofSeconds(2)));
            Http.Reply endpoint = admin("POST", "/api/webhooks", "{\"url\": \"" + receiver.url(PATH) + "\", \"event_types\": "
                    + "[\"job.submitted\", \"job.started\", \"job.completed\"], \"description\": \"crash IT\"}");
            assertEquals(201, endpoint.status(), endpoint.body());
            String channel = endpoint.json().get("id").asText();
            endpointId = channel;
            receiver.verifyWith(PATH, endpoint.json().get("secret").asText());

            // ---- phase 1: events flow, webhook-service is killed with deliveries in flight
            List<String> jobs = new ArrayList<>(runJobs(runner, "notify-crash-a", JOBS_BEFORE_KILL));
            int expectedBeforeKill = JOBS_BEFORE_KILL * TYPES.size();
            Eventually.until(Duration.ofSeconds(30), () -> receiver.received(r -> r.path().equals(PATH)), l -> !l.isEmpty());
            ServiceProcess webhook = suite.service("webhook-service");
            webhook.process().destroyForcibly(); // SIGKILL: no shutdown hook, claimed deliveries left as they are
            assertTrue(webhook.process().waitFor(10, TimeUnit.SECONDS));
            Map<String, Long> atKill = statuses(null, channel);
            long arrivedAtKill = distinct(receiver.received(r -> r.path().equals(PATH)));
            // claimed and not finished: the deliveries a crash could lose. (Every request may already have
            // reached the slow receiver when the kill comes; those still waiting for its answer count.)
            assertTrue(atKill.getOrDefault("delivering", 0L) > 0,
                    "the kill falls in the middle of the deliveries: " + arrivedAtKill + " of " + expectedBeforeKill
                            + " arrived, deliveries " + atKill);
            suite.startAgain("webhook-service", SHORT_TIMINGS);

            // ---- phase 2: the receiver's port is closed while more events are written, then it answers 503, then it is back
            receiver.shut();
            List<String> downJobs = runJobs(runner, "notify-crash-b", JOBS_WHILE_DOWN);
            jobs.addAll(downJobs);
            Set<String> expected = outbox(jobs);
            assertEquals(EVENTS, expected.size(), "events in the outbox for the test's jobs");
            String downEvents = "SELECT count(*) FROM webhook.notification_delivery d JOIN webhook.notification_event e"
                    + " USING (event_id) WHERE d.channel_id = ? AND e.job_id = ANY (?) AND d.attempts >= 2 AND d.status = 'pending'";
            long retriedWhileClosed = Eventually.until(Duration.ofSeconds(60), () -> count(downEvents, channel, downJobs),
                    n -> n >= JOBS_WHILE_DOWN);
            assertTrue(retriedWhileClosed >= JOBS_WHILE_DOWN, "deliveries retried against the closed port: " + retriedWhileClosed);
            receiver.answerAll(new NotificationReceiver.Answer(503, "maintenance", Duration.ZERO));
            receiver.open();
            List<NotificationReceiver.Received> unavailable = Eventually.until(Duration.ofSeconds(60),
                    () -> receiver.received(r -> r.path().equals(PATH) && r.answered() == 503), l -> distinct(l) >= 20);
            assertTrue(distinct(unavailable) >= 20, "deliveries answered 503: " + unavailable.size());
            receiver.answerAll(new NotificationReceiver.Answer(200, "ok", Duration.ZERO));

            // ---- every event of the outbox arrives, signed, with its own webhook-id
            List<NotificationReceiver.Received> accepted = Eventually.until(Duration.ofSeconds(120),
                    () -> receiver.received(r -> r.path().equals(PATH) && r.accepted()),
                    l -> ids(l).containsAll(expected));
            Set<String> arrived = ids(accepted);
            Set<String> lost = new HashSet<>(expected);
            lost.removeAll(arrived);
            Set<String> strangers = new HashSet<>(arrived);
            strangers.removeAll(expected);
            Map<String, List<NotificationReceiver.Received>> byId = accepted.stream()
                    .collect(Collectors.groupingBy(r -> r.header("webhook-id")));
            long duplicates = accepted.size() - byId.size();
            List<NotificationReceiver.Received> all = receiver.received(r -> r.path().equals(PATH));
            System.out.printf(Locale.ROOT, "notification delivery crash test: %d events in the outbox, lost %d; accepted %d deliveries "
                            + "of %d distinct webhook-ids (%d duplicates); at the kill -9: %d of %d had arrived, deliveries %s; "
                            + "%d answered 503, %d requests in all%n", expected.size(), lost.size(), accepted.size(), byId.size(),
                    duplicates, arrivedAtKill, expectedBeforeKill, atKill, all.stream().filter(r -> r.answered() == 503).count(),
                    all.size());
            assertEquals(Set.of(), lost, "events never delivered");
            assertEquals(Set.of(), strangers, "webhook-ids that are no event of the outbox");
            for (NotificationReceiver.Received r : all) {
                assertEquals(Boolean.TRUE, r.verified(), "signature of " + r.header("webhook-id"));
            }
            for (Map.Entry<String, List<NotificationReceiver.Received>> copies : byId.entrySet()) {
                JsonNode first = copies.getValue().get(0).json();
                assertEquals(copies.getKey(), first.at("/data/event_id").asText(), "webhook-id is the event id");
                for (NotificationReceiver.Received copy : copies.getValue()) {
                    assertEquals(first.get("type"), copy.json().get("type"), copies.getKey());
                    assertEquals(first.get("data"), copy.json().get("data"), "a redelivery carries the same event: " + copies.getKey());
                }
            }
            Map<String, Long> end = Eventually.until(Duration.ofSeconds(30), () -> statuses(jobs, channel),
                    s -> s.getOrDefault("delivered", 0L) == EVENTS);
            assertEquals(Map.of("delivered", (long) EVENTS), end, "every delivery of the test's jobs ends delivered");
        } finally {
            if (endpointId != null) {
                admin("DELETE", "/api/webhooks/" + endpointId, null);
            }
        }
    }

    /** Submits {@code count} jobs and moves each to started and completed, eight at a time; their ids. */
    private List<String> runJobs(GenericRunner runner, String name, int count) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                done.add(threads.submit(() -> {
                    String job = runner.submit(name);
                    runner.move(job, "\"status\":\"processing\"");
                    runner.move(job, "\"status\":\"succeeded\",\"metrics\":{\"predict_time\":10}");
                    return job;
                }));
            }
            List<String> jobs = new ArrayList<>();
            for (Future<String> f : done) {
                jobs.add(f.get(120, TimeUnit.SECONDS));
            }
            return jobs;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long distinct(List<NotificationReceiver.Received> received) {
        return ids(received).size();
    }

    private static Set<String> ids(List<NotificationReceiver.Received> received) {
        return received.stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
    }

    /** The outbox's events of the jobs, of the types the endpoint subscribes to. */
    private Set<String> outbox(List<String> jobs) throws SQLException {
        try (Connection db = database(); PreparedStatement query = db.prepareStatement(
                "SELECT event_id FROM webhook.notification_event WHERE job_id = ANY (?) AND event_type = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", jobs.toArray()));
            query.setArray(2, db.createArrayOf("text", TYPES.toArray()));
            Set<String> ids = new HashSet<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    private long count(String sql, String channel, List<String> jobs) {
        try (Connection db = database(); PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, channel);
            Array array = db.createArrayOf("text", jobs.toArray());
            query.setArray(2, array);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deliveries to the channel by status, of the jobs' events (all of them with null). */
    private Map<String, Long> statuses(List<String> jobs, String channel) {
        String sql = "SELECT d.status, count(*) FROM webhook.notification_delivery d JOIN webhook.notification_event e USING (event_id)"
                + " WHERE d.channel_id = ?" + (jobs == null ? "" : " AND e.job_id = ANY (?)") + " GROUP BY d.status";
        try (Connection db = database(); PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, channel);
            if (jobs != null) {
                query.setArray(2, db.createArrayOf("text", jobs.toArray()));
            }
            Map<String, Long> out = new TreeMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.put(rows.getString(1), rows.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
