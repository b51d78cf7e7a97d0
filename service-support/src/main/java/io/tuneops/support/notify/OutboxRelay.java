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
 * created_at, refusals int, next_attempt_at, last_refusal text, set_aside_at)}, whose rows are
 * written in the transactions of the changes they report; each payload is a
 * {@link NotificationEventPayload} as JSON. The relay POSTs every row to
 * {@link SharedNames#INTERNAL_NOTIFICATION_EVENTS} with the internal secret and deletes it once
 * webhook-service answered 2xx, so an event leaves the outbox only when webhook-service has it.
 *
 * <p>One transaction per pass reads the oldest due rows {@code FOR UPDATE SKIP LOCKED}, posts them one
 * by one and deletes the accepted ones before it commits: the row locks are the claim, so another
 * replica's relay skips those rows instead of sending them at the same time, and a replica that
 * dies mid-pass releases them with its connection. The rows of a pass that failed are sent again
 * by a later pass, possibly after webhook-service took them; webhook-service stores an event once
 * per event_id, so the second copy changes nothing. Holding the locks over a POST is cheap here:
 * the posts are bounded by {@link OutboxRelayConfig#requestTimeout()} and nobody else writes these
 * rows after their insert.
 *
 * <p>A row webhook-service refuses (a 4xx other than 408 and 429: most likely an event type an older
 * webhook-service does not know, during a rolling upgrade) says nothing about the others, so it
 * neither ends the pass nor delays the next: it gets its own schedule instead
 * ({@code next_attempt_at}, {@link OutboxRelayConfig#refusedRetryInitial()} doubled per refusal up
 * to {@link OutboxRelayConfig#refusedRetryMax()}), which keeps it out of the reads until then, so
 * that refused rows at the head of the outbox cannot fill every batch. After
 * {@link OutboxRelayConfig#refusalsMax()} refusals it is set aside ({@code set_aside_at}, logged as
 * an error) and kept for an operator rather than deleted.
 *
 * <p>A pass runs when a write on this replica calls {@link #wake()}, every
 * {@link OutboxRelayConfig#pollInterval()} otherwise (sooner when a refused row falls due before),
 * and again at once while full batches come back. A pass that webhook-service did not answer
 * (5xx, 408, 429, 401/403, no connection, no answer in time) is followed by a wait that doubles up
 * to {@link OutboxRelayConfig#backoffMax()} (with jitter, so replicas do not retry in step). Only one
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
    private final String refuse;
    private final String due;
    private WebClient client;

    // scheduling state, guarded by this
    private boolean started;
    private boolean stopped;
    private boolean running;
    private boolean wokenWhileRunning;
    private long timer = -1;
    /** The wait after the last pass, null when webhook-service answered it. */
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
        // a row waiting after a refusal is not read before it is due: otherwise a batch of them at
        // the head would be all a pass ever reads
        this.select = "SELECT seq, event_id, payload::text AS payload FROM " + table
                + " WHERE set_aside_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())"
                + " ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED";
        this.delete = "DELETE FROM " + table + " WHERE seq = ANY($1)";
        // the next offer after min(max, initial * 2^refusals so far), on the database's clock,
        // which every replica reads the rows by; the last allowed refusal sets the row aside
        this.refuse = "UPDATE " + table + " AS o SET refusals = o.refusals + 1, last_refusal = r.detail,"
                + " next_attempt_at = now() + least($4::float8, $3::float8 * power(2::float8, o.refusals)) * interval '1 millisecond',"
                + " set_aside_at = CASE WHEN o.refusals + 1 >= $5 THEN now() END"
                + " FROM unnest($1::bigint[], $2::text[]) AS r(seq, detail) WHERE o.seq = r.seq"
                + " RETURNING o.event_id, o.refusals, o.set_aside_at IS NOT NULL AS set_aside,"
                + " ceil(extract(epoch FROM o.next_attempt_at - now()) * 1000)::bigint AS retry_ms";
        // when the soonest refused row (this relay's or another replica's) falls due, asked of the
        // database whose clock next_attempt_at follows, so that a pass is there to offer it again
        this.due = "SELECT ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000)::bigint AS due_ms FROM " + table
                + " WHERE set_aside_at IS NULL AND next_attempt_at > now()";
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
     * failing (not merely refusing some events) the backoff stands; the row goes with the next try.
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
        if (pass.unavailable()) {
            backOff();
            return;
        }
        // refused rows are no reason to wait: they wait on their own schedule, and the next pass
        // reads past them
        backoff = null;
        boolean more = pass.read() == config.batchSize();
        Duration next = config.pollInterval();
        if (pass.refusedDue() != null && pass.refusedDue().compareTo(next) < 0) {
            next = pass.refusedDue();
        }
        schedule(more || wokenWhileRunning ? Duration.ZERO : next);
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

    /**
     * One pass: the oldest due rows no other relay holds, posted in order, the accepted ones
     * deleted and the refused ones rescheduled (or set aside).
     */
    private Uni<Pass> pass() {
        return pool.withTransaction(tx -> deadlines.database(tx.preparedQuery(select).execute(Tuple.of(config.batchSize())))
                .chain(rows -> handOver(OutboxRow.all(rows)))
                .chain(pass -> pass.accepted().isEmpty() ? Uni.createFrom().item(pass) : delete(tx, pass))
                .chain(pass -> pass.refused().isEmpty() ? Uni.createFrom().item(pass) : refuse(tx, pass))
                .chain(pass -> pass.read() == config.batchSize() ? Uni.createFrom().item(pass) : refusedDue(tx, pass)));
    }

    /** The pass with the wait until the soonest refused row is due, when some wait (a full batch is followed at once anyway). */
    private Uni<Pass> refusedDue(SqlConnection tx, Pass pass) {
        return deadlines.database(tx.query(due).execute()).map(rows -> {
            Long ms = rows.iterator().next().getLong("due_ms");
            return ms == null ? pass : pass.refusedDueIn(Duration.ofMillis(Math.max(1, ms)));
        });
    }

    private Uni<Pass> delete(SqlConnection tx, Pass pass) {
        return deadlines.database(tx.preparedQuery(delete).execute(Tuple.of(pass.accepted().toArray(new Long[0]))))
                .replaceWith(pass);
    }

    private Uni<Pass> refuse(SqlConnection tx, Pass pass) {
        Long[] seqs = pass.refused().stream().map(Refusal::seq).toArray(Long[]::new);
        String[] details = pass.refused().stream().map(Refusal::detail).toArray(String[]::new);
        Tuple args = Tuple.of(seqs, details, (double) config.refusedRetryInitial().toMillis(),
                (double) config.refusedRetryMax().toMillis(), config.refusalsMax());
        return deadlines.database(tx.preparedQuery(refuse).execute(args)).map(rows -> {
            for (Row row : rows) {
                String eventId = row.getString("event_id");
                int refusals = row.getInteger("refusals");
                if (row.getBoolean("set_aside")) {
                    LOG.errorf("notification event %s set aside in %s after %d refusals by webhook-service (last: %s); "
                                    + "it is no longer offered: clear set_aside_at, next_attempt_at and refusals to requeue it",
                            eventId, table, refusals, detailOf(pass, eventId));
                    continue;
                }
                LOG.warnf("webhook-service refused notification event %s (refusal %d of %d: %s); offered again in %d ms, "
                        + "the other events go on", eventId, refusals, config.refusalsMax(), detailOf(pass, eventId), row.getLong("retry_ms"));
            }
            return pass;
        });
    }

    private static String detailOf(Pass pass, String eventId) {
        return pass.refused().stream().filter(r -> r.eventId().equals(eventId)).map(Refusal::detail).findFirst().orElse("");
    }

    /**
     * Posts the rows in order. A refused event is skipped (the others may be fine); an unavailable
     * webhook-service ends the pass, as the rest would only wait for the same timeout.
     */
    private Uni<Pass> handOver(List<OutboxRow> rows) {
        Uni<Pass> chain = Uni.createFrom().item(new Pass(rows.size(), List.of(), List.of(), false, null));
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
        // 401 and 403 answer the internal secret, not the event: webhook-service would refuse
        // every row alike (a secret being rotated), so they count as webhook-service failing and
        // never towards setting an event aside
        if (status >= 500 || status == 408 || status == 429 || status == 401 || status == 403) {
            LOG.warnf("notification event %s not handed to webhook-service: HTTP %d %s", row.eventId(), status, detail(response));
            return Handover.UNAVAILABLE;
        }
        // kept and offered again later: a 400 or 404 may be a webhook-service older than this
        // event type (a rolling upgrade), and dropping the event would lose it for good
        return new Handover(Handover.Kind.REFUSED, "HTTP " + status + (detail(response).isEmpty() ? "" : " " + detail(response)));
    }

    private static String detail(HttpResponse<Buffer> response) {
        String body = response.bodyAsString();
        if (body == null) {
            return "";
        }
        return body.length() > DETAIL_MAX ? body.substring(0, DETAIL_MAX) + "..." : body;
    }

    /** What became of one row's POST; {@code detail} says why a refused one was. */
    record Handover(Kind kind, String detail) {

        static final Handover ACCEPTED = new Handover(Kind.ACCEPTED, null);
        static final Handover UNAVAILABLE = new Handover(Kind.UNAVAILABLE, null);

        enum Kind {
            /** 2xx: webhook-service has the event; the row goes. */
            ACCEPTED,
            /** Another 4xx: this event was turned down; the row waits on its own and the pass goes on with the next. */
            REFUSED,
            /** 5xx, 408, 429, 401, 403, no connection or no answer in time: the row stays and the pass ends. */
            UNAVAILABLE
        }
    }

    /** One refused row of a pass. */
    record Refusal(long seq, String eventId, String detail) {
    }

    /**
     * A pass so far: the rows read, the seqs of those accepted, those refused, whether
     * webhook-service failed, and (at its end) the wait until the soonest refused row is due.
     */
    record Pass(int read, List<Long> accepted, List<Refusal> refused, boolean unavailable, Duration refusedDue) {

        Pass with(OutboxRow row, Handover outcome) {
            return switch (outcome.kind()) {
                case ACCEPTED -> {
                    List<Long> more = new ArrayList<>(accepted);
                    more.add(row.seq());
                    yield new Pass(read, more, refused, unavailable, refusedDue);
                }
                case REFUSED -> {
                    List<Refusal> more = new ArrayList<>(refused);
                    more.add(new Refusal(row.seq(), row.eventId(), outcome.detail()));
                    yield new Pass(read, accepted, more, unavailable, refusedDue);
                }
                case UNAVAILABLE -> new Pass(read, accepted, refused, true, refusedDue);
            };
        }

        Pass refusedDueIn(Duration wait) {
            return new Pass(read, accepted, refused, unavailable, wait);
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
