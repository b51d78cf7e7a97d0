package io.tuneops.support.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.tuneops.support.config.InternalConfig;
import io.tuneops.support.config.UpstreamConfig;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Hands a service's notification outbox over to webhook-service, which owns delivery. The outbox
 * is a table of this service's schema, {@code (seq bigserial, event_id text UNIQUE, payload jsonb,
 * created_at)}, whose rows are written in the transactions of the changes they report; each
 * payload is a {@link NotificationEventPayload} as JSON. The relay POSTs every row to
 * {@link SharedNames#INTERNAL_NOTIFICATION_EVENTS} with the internal secret and deletes it once
 * webhook-service answered 2xx, so an event leaves the outbox only when webhook-service has it.
 *
 * <p>One transaction per pass reads the oldest rows {@code FOR UPDATE SKIP LOCKED}, posts them one
 * by one and deletes the accepted ones before it commits: the row locks are the claim, so another
 * replica's relay skips those rows instead of sending them at the same time, and a replica that
 * dies mid-pass releases them with its connection. The rows of a pass that failed are sent again
 * by a later pass, possibly after webhook-service took them; webhook-service stores an event once
 * per event_id, so the second copy changes nothing. Holding the locks over a POST is cheap here:
 * the posts are bounded by {@link OutboxRelayConfig#requestTimeout()} and nobody else writes these
 * rows after their insert.
 *
 * <p>A pass runs when a write on this replica calls {@link #wake()}, every
 * {@link OutboxRelayConfig#pollInterval()} otherwise, and again at once while full batches come
 * back. A pass that could not hand every row over is followed by a wait that doubles up to
 * {@link OutboxRelayConfig#backoffMax()} (with jitter, so replicas do not retry in step). Only one
 * pass runs at a time; every step is asynchronous (statements bounded by the database deadline,
 * POSTs by the request timeout), nothing blocks the event loop. A PostgreSQL that stops answering
 * stalls the relay with it, and nothing else.
 *
 * <p>Not a CDI bean: each service that keeps an outbox makes one for its table with
 * {@link OutboxRelays}, starts it once the application is up and wakes it after committing a row.
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");
    private static final int DETAIL_MAX = 200;

    private final Vertx vertx;
    private final Pool pool;
    private final StoreDeadlines deadlines;
    private final OutboxRelayConfig config;
    private final String table;
    private final String url;
    private final String secret;
    private final String select;
    private final String delete;
    private WebClient client;

    // scheduling state, guarded by this
    private boolean started;
    private boolean stopped;
    private boolean running;
    private boolean wokenWhileRunning;
    private long timer = -1;
    /** The wait after the last pass, null when it handed every row over. */
    private Duration backoff;

    /**
     * @param table the outbox, schema-qualified ({@code storage.notification_outbox})
     */
    public OutboxRelay(Vertx vertx, Pool pool, StoreDeadlines deadlines, OutboxRelayConfig config, UpstreamConfig upstreams,
                       InternalConfig internal, String table) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("outbox table must be schema.table: " + table);
        }
        this.vertx = vertx;
        this.pool = pool;
        this.deadlines = deadlines;
        this.config = config;
        this.table = table;
        this.url = upstreams.webhook().replaceAll("/+$", "") + SharedNames.INTERNAL_NOTIFICATION_EVENTS;
        this.secret = internal.secret().filter(s -> !s.isBlank()).orElse(null);
        this.select = "SELECT seq, event_id, payload::text AS payload FROM " + table + " ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED";
        this.delete = "DELETE FROM " + table + " WHERE seq = ANY($1)";
    }

    /** Starts relaying, with a pass right away for the rows an earlier run left. */
    public synchronized void start() {
        if (!config.enabled()) {
            LOG.infof("notification outbox relay of %s is off (tuneops.outbox-relay.enabled=false); events wait there", table);
            return;
        }
        if (secret == null) {
            LOG.warnf("TUNEOPS_INTERNAL_SECRET is not set, which webhook-service requires: notification events wait in %s until it is",
                    table);
            return;
        }
        client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.max(1, config.requestTimeout().toMillis()))
                .setKeepAlive(true)
                .setMaxPoolSize(2));
        started = true;
        schedule(Duration.ZERO);
    }

    /**
     * Stops relaying. A pass under way loses its connection to webhook-service and rolls back:
     * its rows stay for the next run.
     */
    public synchronized void stop() {
        stopped = true;
        cancelTimer();
        if (client != null) {
            client.close();
        }
    }

    /**
     * A row was committed: relay it now rather than at the next poll. While webhook-service is
     * failing the backoff stands; the row goes with the next try.
     */
    public synchronized void wake() {
        if (!started || stopped) {
            return;
        }
        if (running) {
            wokenWhileRunning = true;
        } else if (backoff == null) {
            schedule(Duration.ZERO);
        }
    }

    private void schedule(Duration delay) {
        cancelTimer();
        timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> run());
    }

    private void cancelTimer() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void run() {
        synchronized (this) {
            timer = -1;
            if (stopped || running) {
                return;
            }
            running = true;
            wokenWhileRunning = false;
        }
        pass().subscribe().with(this::passed, this::passFailed);
    }

    private synchronized void passed(Pass pass) {
        running = false;
        if (stopped) {
            return;
        }
        if (!pass.allAccepted()) {
            backOff();
            return;
        }
        backoff = null;
        boolean more = pass.read() == config.batchSize();
        schedule(more || wokenWhileRunning ? Duration.ZERO : config.pollInterval());
    }

    private synchronized void passFailed(Throwable failure) {
        running = false;
        LOG.warnf("notification outbox %s not relayed: %s", table, failure.toString());
        if (!stopped) {
            backOff();
        }
    }

    private void backOff() {
        backoff = backoff == null ? config.backoffInitial()
                : backoff.multipliedBy(2).compareTo(config.backoffMax()) > 0 ? config.backoffMax() : backoff.multipliedBy(2);
        long millis = backoff.toMillis();
        schedule(Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1)));
    }

    /** One pass: the oldest rows no other relay holds, posted in order, the accepted ones deleted. */
    private Uni<Pass> pass() {
        return pool.withTransaction(tx -> deadlines.database(tx.preparedQuery(select).execute(Tuple.of(config.batchSize())))
                .chain(rows -> handOver(OutboxRow.all(rows)))
                .chain(pass -> pass.accepted().isEmpty() ? Uni.createFrom().item(pass) : delete(tx, pass)));
    }

    private Uni<Pass> delete(SqlConnection tx, Pass pass) {
        return deadlines.database(tx.preparedQuery(delete).execute(Tuple.of(pass.accepted().toArray(new Long[0]))))
                .replaceWith(pass);
    }

    /**
     * Posts the rows in order. A refused event is skipped (the others may be fine); an unavailable
     * webhook-service ends the pass, as the rest would only wait for the same timeout.
     */
    private Uni<Pass> handOver(List<OutboxRow> rows) {
        Uni<Pass> chain = Uni.createFrom().item(new Pass(rows.size(), List.of(), false, false));
        for (OutboxRow row : rows) {
            chain = chain.chain(pass -> pass.unavailable() ? Uni.createFrom().item(pass)
                    : post(row).map(outcome -> pass.with(row, outcome)));
        }
        return chain;
    }

    private Uni<Handover> post(OutboxRow row) {
        Duration timeout = config.requestTimeout();
        return client.postAbs(url)
                .putHeader(GatewayIdentityHandler.SECRET_HEADER, secret)
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json")
                .timeout(timeout.toMillis())
                .sendBuffer(Buffer.buffer(row.payload()))
                .ifNoItem().after(timeout).failWith(() -> new IllegalStateException(
                        "webhook-service did not answer within " + timeout.toMillis() + " ms"))
                .map(response -> outcome(row, response))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("notification event %s not handed to webhook-service: %s", row.eventId(), e.toString());
                    return Handover.UNAVAILABLE;
                });
    }

    private static Handover outcome(OutboxRow row, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Handover.ACCEPTED;
        }
        if (status >= 500 || status == 408 || status == 429) {
            LOG.warnf("notification event %s not handed to webhook-service: HTTP %d", row.eventId(), status);
            return Handover.UNAVAILABLE;
        }
        // kept and retried: a 404 may be a webhook-service older than this event type (a rolling
        // upgrade), and dropping the event would lose it for good
        LOG.errorf("webhook-service refused notification event %s: HTTP %d %s", row.eventId(), status, detail(response));
        return Handover.REFUSED;
    }

    private static String detail(HttpResponse<Buffer> response) {
        String body = response.bodyAsString();
        if (body == null) {
            return "";
        }
        return body.length() > DETAIL_MAX ? body.substring(0, DETAIL_MAX) + "..." : body;
    }

    /** What became of one row's POST. */
    enum Handover {
        /** 2xx: webhook-service has the event; the row goes. */
        ACCEPTED,
        /** Another 4xx: this event was turned down; the row stays and the pass goes on with the next. */
        REFUSED,
        /** 5xx, 408, 429, no connection or no answer in time: the row stays and the pass ends. */
        UNAVAILABLE
    }

    /** A pass so far: the rows read, the seqs of those accepted, and whether any was not. */
    record Pass(int read, List<Long> accepted, boolean refused, boolean unavailable) {

        Pass with(OutboxRow row, Handover outcome) {
            return switch (outcome) {
                case ACCEPTED -> {
                    List<Long> more = new ArrayList<>(accepted);
                    more.add(row.seq());
                    yield new Pass(read, more, refused, unavailable);
                }
                case REFUSED -> new Pass(read, accepted, true, unavailable);
                case UNAVAILABLE -> new Pass(read, accepted, refused, true);
            };
        }

        boolean allAccepted() {
            return !refused && !unavailable;
        }
    }

    record OutboxRow(long seq, String eventId, String payload) {

        static List<OutboxRow> all(RowSet<Row> rows) {
            List<OutboxRow> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(new OutboxRow(r.getLong("seq"), r.getString("event_id"), r.getString("payload"))));
            return out;
        }
    }
}
