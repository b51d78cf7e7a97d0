package io.tuneops.metrics.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** The single row of {@code metrics.export_config}. */
@ApplicationScoped
public class ExportConfigRepository {

    public record ExportConfig(boolean prometheusEnabled, List<String> prometheusCategories, OffsetDateTime updatedAt,
                               String updatedBy) {
    }

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public ExportConfigRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<ExportConfig> load() {
        return deadlines.database(pool.query("SELECT prometheus_enabled, prometheus_categories, updated_at, updated_by "
                        + "FROM metrics.export_config WHERE id = 1")
                .execute()).map(rows -> map(rows.iterator().next()));
    }

    /** Locks the row for the rest of {@code tx}, so that concurrent changes are applied one after the other. */
    public Uni<ExportConfig> lock(SqlClient tx) {
        return tx.query("SELECT prometheus_enabled, prometheus_categories, updated_at, updated_by "
                        + "FROM metrics.export_config WHERE id = 1 FOR UPDATE")
                .execute().map(rows -> map(rows.iterator().next()));
    }

    public Uni<ExportConfig> store(SqlClient tx, boolean enabled, List<String> categories, String by) {
        return tx.preparedQuery("""
                        UPDATE metrics.export_config
                           SET prometheus_enabled = $1, prometheus_categories = $2, updated_at = now(), updated_by = $3
                         WHERE id = 1
                        RETURNING prometheus_enabled, prometheus_categories, updated_at, updated_by""")
                .execute(Tuple.of(enabled, categories.toArray(String[]::new), by))
                .map(rows -> map(rows.iterator().next()));
    }

    private static ExportConfig map(Row row) {
        String[] categories = row.getArrayOfStrings("prometheus_categories");
        return new ExportConfig(row.getBoolean("prometheus_enabled"),
                categories == null ? List.of() : List.copyOf(Arrays.asList(categories)),
                row.getOffsetDateTime("updated_at"), row.getString("updated_by"));
    }
}
