package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.notify.Channel;
import io.tuneops.webhook.service.notify.ChannelSettings;
import io.tuneops.webhook.service.notify.ChannelType;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** webhook.notification_channel; the sealed secret is read only by who sends. */
@ApplicationScoped
public class NotificationChannelRepository {

    static final String COLUMNS = "id, name, channel_type, is_enabled, settings, secret_ciphertext IS NOT NULL AS secret_configured, "
            + "org_id, created_by, created_at, updated_at";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM webhook.notification_channel ";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public NotificationChannelRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /** One transaction whose last step before the COMMIT (an audit event) must succeed in the time left (see StoreDeadlines). */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    /** A channel and its sealed secret (null when it has none). */
    public record WithSecret(Channel channel, byte[] sealedSecret) {
    }

    public Uni<Channel> insert(SqlClient tx, Channel c, byte[] sealedSecret) {
        return tx.preparedQuery("INSERT INTO webhook.notification_channel (id, name, channel_type, is_enabled, settings, "
                        + "secret_ciphertext, org_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + COLUMNS)
                .execute(Tuple.from(new Object[]{c.id(), c.name(), c.type().wire(), c.enabled(), c.settings().toJson(),
                        sealedSecret == null ? null : Buffer.buffer(sealedSecret), c.orgId(), c.createdBy()}))
                .map(rows -> of(rows.iterator().next()));
    }

    /**
     * Writes a channel's shown fields; the secret only when {@code changeSecret} ({@code sealedSecret}
     * null removes it). Empty when the channel no longer exists.
     */
    public Uni<Optional<Channel>> update(SqlClient tx, Channel c, boolean changeSecret, byte[] sealedSecret) {
        List<Object> params = new ArrayList<>(List.of(c.id(), c.name(), c.enabled(), c.settings().toJson()));
        params.add(c.orgId());
        if (changeSecret) {
            params.add(sealedSecret == null ? null : Buffer.buffer(sealedSecret));
        }
        return tx.preparedQuery("UPDATE webhook.notification_channel SET name = $2, is_enabled = $3, settings = $4, org_id = $5, "
                        + (changeSecret ? "secret_ciphertext = $6, " : "") + "updated_at = now() WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.from(params)).map(NotificationChannelRepository::first);
    }

    /** Locks the channel's row for the change being made in {@code tx}. */
    public Uni<Optional<Channel>> lock(SqlClient tx, String id) {
        return tx.preparedQuery(SELECT + "WHERE id = $1 FOR UPDATE").execute(Tuple.of(id)).map(NotificationChannelRepository::first);
    }

    public Uni<Optional<Channel>> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM webhook.notification_channel WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(id)).map(NotificationChannelRepository::first);
    }

    public Uni<Optional<Channel>> find(String id) {
        return deadlines.database(pool.preparedQuery(SELECT + "WHERE id = $1").execute(Tuple.of(id)))
                .map(NotificationChannelRepository::first);
    }

    public Uni<Optional<WithSecret>> findWithSecret(String id) {
        return deadlines.database(pool.preparedQuery("SELECT " + COLUMNS + ", secret_ciphertext FROM webhook.notification_channel "
                        + "WHERE id = $1").execute(Tuple.of(id)))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(withSecret(rows.iterator().next())));
    }

    /** Every channel, or those of one type, oldest first. */
    public Uni<List<Channel>> list(Optional<ChannelType> type) {
        Uni<RowSet<Row>> rows = type.isEmpty() ? pool.query(SELECT + "ORDER BY created_at, id").execute()
                : pool.preparedQuery(SELECT + "WHERE channel_type = $1 ORDER BY created_at, id").execute(Tuple.of(type.get().wire()));
        return deadlines.database(rows).map(NotificationChannelRepository::all);
    }

    /** The enabled channels, read in the routing transaction. */
    public Uni<List<Channel>> enabled(SqlClient tx) {
        return tx.query(SELECT + "WHERE is_enabled ORDER BY id").execute().map(NotificationChannelRepository::all);
    }

    static WithSecret withSecret(Row row) {
        return withSecret(row, "org_id");
    }

    /** A channel and its secret from a row whose channel organisation is in {@code orgColumn}. */
    static WithSecret withSecret(Row row, String orgColumn) {
        var sealed = row.getBuffer("secret_ciphertext");
        return new WithSecret(of(row, orgColumn), sealed == null ? null : sealed.getBytes());
    }

    static Channel of(Row r) {
        return of(r, "org_id");
    }

    private static Channel of(Row r, String orgColumn) {
        return new Channel(r.getString("id"), r.getString("name"), ChannelType.fromWire(r.getString("channel_type")).orElseThrow(),
                r.getBoolean("is_enabled"), ChannelSettings.fromJson(r.getJsonObject("settings")), r.getBoolean("secret_configured"),
                r.getString(orgColumn), r.getString("created_by"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    private static Optional<Channel> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(of(rows.iterator().next()));
    }

    private static List<Channel> all(RowSet<Row> rows) {
        List<Channel> all = new ArrayList<>(rows.size());
        rows.forEach(r -> all.add(of(r)));
        return all;
    }
}
