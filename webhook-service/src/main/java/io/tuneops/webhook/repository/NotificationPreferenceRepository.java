package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.notify.Preference;
import io.tuneops.webhook.service.notify.PreferenceScope;
import io.tuneops.webhook.service.notify.Severity;
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

/** webhook.notification_preference. */
@ApplicationScoped
public class NotificationPreferenceRepository {

    private static final String COLUMNS = "id, channel_id, scope, scope_id, event_type, min_severity, is_enabled, mute, recipients, "
            + "created_by, created_at";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM webhook.notification_preference ";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public NotificationPreferenceRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    /** The filters of a listing; null means any. */
    public record Filter(String channelId, PreferenceScope scope, String scopeId) {
    }

    public Uni<Preference> insert(SqlClient tx, Preference p) {
        return tx.preparedQuery("INSERT INTO webhook.notification_preference (id, channel_id, scope, scope_id, event_type, "
                        + "min_severity, is_enabled, mute, recipients, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                        + "RETURNING " + COLUMNS)
                .execute(Tuple.from(new Object[]{p.id(), p.channelId(), p.scope().wire(), p.scopeId(), p.eventType(),
                        p.minSeverity().wire(), p.enabled(), p.mute(), p.recipients().toArray(new String[0]), p.createdBy()}))
                .map(rows -> of(rows.iterator().next()));
    }

    public Uni<Optional<Preference>> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM webhook.notification_preference WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(id)).map(NotificationPreferenceRepository::first);
    }

    public Uni<Optional<Preference>> lock(SqlClient tx, String id) {
        return tx.preparedQuery(SELECT + "WHERE id = $1 FOR UPDATE").execute(Tuple.of(id)).map(NotificationPreferenceRepository::first);
    }

    public Uni<List<Preference>> list(Filter filter) {
        return deadlines.database(pool.preparedQuery(SELECT + "WHERE ($1::text IS NULL OR channel_id = $1) "
                        + "AND ($2::text IS NULL OR scope = $2) AND ($3::text IS NULL OR scope_id = $3) ORDER BY created_at, id")
                .execute(Tuple.of(filter.channelId(), filter.scope() == null ? null : filter.scope().wire(), filter.scopeId())))
                .map(NotificationPreferenceRepository::all);
    }

    public Uni<Long> count() {
        return deadlines.database(pool.query("SELECT count(*) FROM webhook.notification_preference").execute())
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The enabled preferences and mutes, read in the routing transaction. */
    public Uni<List<Preference>> enabled(SqlClient tx) {
        return tx.query(SELECT + "WHERE is_enabled").execute().map(NotificationPreferenceRepository::all);
    }

    private static Preference of(Row r) {
        String[] recipients = r.getArrayOfStrings("recipients");
        return new Preference(r.getString("id"), r.getString("channel_id"), PreferenceScope.fromWire(r.getString("scope")).orElseThrow(),
                r.getString("scope_id"), r.getString("event_type"), Severity.fromWire(r.getString("min_severity")).orElseThrow(),
                r.getBoolean("is_enabled"), r.getBoolean("mute"), recipients == null ? List.of() : List.of(recipients),
                r.getString("created_by"), r.getOffsetDateTime("created_at"));
    }

    private static Optional<Preference> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(of(rows.iterator().next()));
    }

    private static List<Preference> all(RowSet<Row> rows) {
        List<Preference> all = new ArrayList<>(rows.size());
        rows.forEach(r -> all.add(of(r)));
        return all;
    }
}
