package io.tuneops.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real PostgreSQL and a real Redis server, started from binaries that come as Maven artifacts.
 * Used by the local run (persistent data directories, fixed ports) and by the tests (throw-away
 * directories, free ports). Production points the services at external servers instead.
 */
public final class LocalServers implements AutoCloseable {

    /** Every port freePort() returned in this JVM, so that it never returns one twice. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    public static final String DATABASE = "postgres";
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final RedisServer redis;
    private final int redisPort;

    private LocalServers(EmbeddedPostgres postgres, RedisServer redis, int redisPort) {
        this.postgres = postgres;
        this.redis = redis;
        this.redisPort = redisPort;
    }

    /**
     * Starts both servers.
     *
     * @param dataDir where PostgreSQL and Redis keep their files; {@code null} for throw-away directories
     * @param pgPort  0 for a free port
     * @param redisPort 0 for a free port
     */
    public static LocalServers start(Path dataDir, int pgPort, int redisPort) {
        EmbeddedPostgres postgres = startPostgres(dataDir, pgPort);
        try {
            int port = redisPort == 0 ? freePort() : redisPort;
            RedisServer redis = startRedis(dataDir, port);
            return new LocalServers(postgres, redis, port);
        } catch (RuntimeException e) {
            closeQuietly(postgres);
            throw e;
        }
    }

    /** Throw-away servers on free ports, for tests. */
    public static LocalServers startEphemeral() {
        return start(null, 0, 0);
    }

    private static EmbeddedPostgres startPostgres(Path dataDir, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port != 0) {
                builder.setPort(port);
            }
            if (dataDir != null) {
                Path pgData = dataDir.resolve("postgres");
                Files.createDirectories(pgData.getParent());
                // data that outlives the run must survive a crash too: undo the test-speed defaults
                builder.setDataDirectory(pgData).setCleanDataDirectory(false)
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on");
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    /** A Redis server of its own (null dataDir: nothing persisted), for tests that stop and restart one. */
    public static RedisServer startRedis(Path dataDir, int port) {
        try {
            var builder = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("protected-mode yes")
                    // keep reading redis-server's output after start-up: a full pipe blocks it (even its shutdown)
                    .soutListener(line -> { })
                    .serrListener(line -> System.err.println("redis: " + line));
            if (dataDir != null) {
                Path redisData = dataDir.resolve("redis");
                Files.createDirectories(redisData);
                builder.setting("dir " + redisData.toAbsolutePath())
                        .setting("appendonly yes")
                        .setting("appendfsync everysec");
            } else {
                builder.setting("save \"\"").setting("appendonly no");
            }
            RedisServer server = builder.build();
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Redis did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    public int postgresPort() {
        return postgres.getPort();
    }

    public int redisPort() {
        return redisPort;
    }

    /** {@code postgresql://127.0.0.1:port/postgres}: the form TUNEOPS_DB_URL takes. */
    public String databaseUrl() {
        return "postgresql://127.0.0.1:" + postgresPort() + "/" + DATABASE;
    }

    public String jdbcUrl() {
        return "jdbc:" + databaseUrl();
    }

    public String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    /** The environment a service needs to use these servers, as TUNEOPS_* variables. */
    public Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TUNEOPS_DB_URL", databaseUrl());
        env.put("TUNEOPS_DB_USER", USER);
        env.put("TUNEOPS_DB_PASSWORD", "");
        env.put("TUNEOPS_REDIS_URL", redisUrl());
        return env;
    }

    @Override
    public void close() {
        try {
            redis.stop();
        } catch (IOException | RuntimeException e) {
            System.err.println("Redis did not stop cleanly: " + e.getMessage());
        }
        closeQuietly(postgres);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }

    public static int freePort() {
        // the kernel may hand the same ephemeral port out again once it is closed: two services a
        // test starts in a row would then race for one port
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
