package io.tuneops.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Entry point of the local run: starts PostgreSQL and Redis with persistent data, writes the
 * TUNEOPS_* variables the services need to an env file once both accept connections, and stops
 * both on SIGTERM/SIGINT.
 *
 * <p>Usage: {@code LocalServersMain <data-dir> <pg-port> <redis-port> <env-file>}
 */
public final class LocalServersMain {

    private LocalServersMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: LocalServersMain <data-dir> <pg-port> <redis-port> <env-file>");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        Path envFile = Path.of(args[3]);
        Files.deleteIfExists(envFile);
        LocalServers servers = LocalServers.start(dataDir, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            servers.close();
            stopped.countDown();
        }, "local-servers-stop"));

        String env = servers.serviceEnvironment().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        // written atomically: the launcher polls for this file to know both servers are up
        Path tmp = envFile.resolveSibling(envFile.getFileName() + ".tmp");
        Files.writeString(tmp, env);
        Files.move(tmp, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("PostgreSQL on " + servers.databaseUrl() + ", Redis on " + servers.redisUrl());
        stopped.await();
    }
}
