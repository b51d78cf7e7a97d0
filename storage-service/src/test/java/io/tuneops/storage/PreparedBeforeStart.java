package io.tuneops.storage;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tuneops.local.LocalServers;
import io.tuneops.local.SharedServers;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A test resource that leaves the output directory and the database as an earlier process would,
 * before the service of a test profile starts.
 */
abstract class PreparedBeforeStart implements QuarkusTestResourceLifecycleManager {

    abstract void prepare() throws Exception;

    @Override
    public Map<String, String> start() {
        try {
            prepare();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
    }

    /** Removes {@code directory} and everything under it, if it is there. */
    static void remove(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The storage schema, as the service's migrations make it. */
    static void migrate() {
        Flyway.configure().dataSource(jdbcUrl(), LocalServers.USER, "").schemas("storage").defaultSchema("storage")
                .locations("classpath:db/migration").load().migrate();
    }

    static String jdbcUrl() {
        String external = System.getenv("TUNEOPS_DB_URL");
        return external != null ? "jdbc:" + external : SharedServers.get().jdbcUrl();
    }
}
