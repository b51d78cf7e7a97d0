package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Function;

/** webhook.notification_setup: whether the console's "set up notifications" prompt was dismissed. */
@ApplicationScoped
public class NotificationSetupRepository {

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public NotificationSetupRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    public Uni<Boolean> skipped() {
        return deadlines.database(pool.query("SELECT skipped FROM webhook.notification_setup").execute())
                .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("skipped"));
    }

    public Uni<Void> skip(SqlClient tx, String by) {
        return tx.preparedQuery("INSERT INTO webhook.notification_setup (singleton, skipped, skipped_by, skipped_at) "
                        + "VALUES (true, true, $1, now()) ON CONFLICT (singleton) DO UPDATE SET skipped = true, "
                        + "skipped_by = EXCLUDED.skipped_by, skipped_at = EXCLUDED.skipped_at")
                .execute(Tuple.of(by)).replaceWithVoid();
    }
}
