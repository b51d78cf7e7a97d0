package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./deploy/local/run.sh}: one command starts everything, refuses a second start, stops cleanly, keeps data,
 * and keeps the job outputs under its own data directory.
 */
class LocalRunIT {

    /** run.sh gives each service the port base + its place in its list. */
    private static final int SERVICE_PORTS = Suite.STARTED.size();
    private static final Path ROOT = Path.of(System.getProperty("tuneops.root", "..")).toAbsolutePath().normalize();
    private static final Path DIR = Path.of(System.getProperty("tuneops.logs", "target/system-logs"))
            .resolveSibling("local-run").toAbsolutePath();

    private final int portBase = freePortBlock();
    private final int pgPort = freePortApartFrom(portBase);
    private final int redisPort = freePortApartFrom(portBase, pgPort);
    private final Map<String, String> env = Map.of(
            "TUNEOPS_LOCAL_DIR", DIR.toString(),
            "TUNEOPS_LOCAL_PORT_BASE", Integer.toString(portBase),
            "TUNEOPS_LOCAL_PG_PORT", Integer.toString(pgPort),
            "TUNEOPS_LOCAL_REDIS_PORT", Integer.toString(redisPort));

    @Test
    void startsEverythingRefusesASecondRunStopsCleanlyAndKeepsData() throws Exception {
        // run.sh builds only what is missing, so it would start stale packages as they are
        PackagedApp.requireFresh(Suite.STARTED);
        PackagedApp.requireFresh("local-servers", ROOT.resolve("local-servers/target/local-servers.jar"));
        deleteRecursively(DIR);
        Run first = Run.start(env);
        try {
            first.awaitOutput("Press Ctrl-C to stop.", Duration.ofMinutes(3));
            assertTrue(first.output().contains("http://localhost:" + portBase), first.output());
            assertEquals(200, ServiceProcess.status("http://127.0.0.1:" + portBase + "/api/cloud/health/ready"));
            // objects and their temporary files live with this run's data, not in a directory every run shares
            Path outputs = DIR.resolve("outputs");
            assertTrue(first.output().contains("outputs:  " + outputs), first.output());
            assertTrue(Files.isDirectory(outputs.resolve(".tuneops-tmp")), "storage-service does not keep its files in " + outputs);
            assertTrue(Files.exists(outputs.resolve(".tuneops-layout")), "storage-service does not keep its files in " + outputs);
            List<ProcessHandle> children = first.process.descendants().toList();
            assertTrue(children.size() > Suite.STARTED.size(),
                    "expected servers and " + Suite.STARTED.size() + " services, found " + children.size());

            Run second = Run.start(env);
            assertTrue(second.process.waitFor(30, TimeUnit.SECONDS), "a second run did not give up");
            assertNotEquals(0, second.process.exitValue());
            assertTrue(second.output().contains("already running"), second.output());

            first.process.destroy(); // SIGTERM, as Ctrl-C's SIGINT is handled by the same trap
            assertTrue(first.process.waitFor(60, TimeUnit.SECONDS), "run.sh did not stop");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                ServiceProcess.pause(Duration.ofMillis(100));
            }
            assertTrue(children.stream().noneMatch(ProcessHandle::isAlive), first.output() + "\nleft running: "
                    + children.stream().filter(ProcessHandle::isAlive).map(p -> p.info().commandLine().orElse("?")).toList());
            assertTrue(first.output().contains("Stopped."), first.output());
        } finally {
            first.process.descendants().forEach(ProcessHandle::destroy);
            first.process.destroy();
        }

        Run again = Run.start(env);
        try {
            again.awaitOutput("Press Ctrl-C to stop.", Duration.ofMinutes(3));
            String gatewayLog = Files.readString(DIR.resolve("logs/gateway-service.log"));
            assertTrue(gatewayLog.contains("is up to date. No migration necessary"), "the schema was not kept:\n" + gatewayLog);
        } finally {
            again.process.destroy();
            assertTrue(again.process.waitFor(60, TimeUnit.SECONDS));
        }
    }

    private record Run(Process process, Path out) {
        private static int runs;

        static Run start(Map<String, String> env) throws IOException {
            // a file, not a pipe: Process.destroy() closes its pipes, which would cut the script's last words short
            Path out = DIR.resolveSibling("local-run-" + (++runs) + ".out");
            ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("deploy/local/run.sh").toString())
                    .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().putAll(env);
            return new Run(builder.start(), out);
        }

        String output() {
            try {
                return Files.readString(out);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        void awaitOutput(String needle, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!output().contains(needle)) {
                assertTrue(process.isAlive(), "run.sh exited:\n" + output());
                assertTrue(System.nanoTime() < deadline, "no '" + needle + "' in:\n" + output());
                ServiceProcess.pause(Duration.ofMillis(200));
            }
        }
    }

    /** Consecutive free ports for the services, from the base up (run.sh's layout). */
    private static int freePortBlock() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + (int) (Math.random() * 30_000);
            boolean free = true;
            for (int p = base; p < base + SERVICE_PORTS && free; p++) {
                try (var socket = new ServerSocket(p)) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + SERVICE_PORTS + " free ports");
    }

    /**
     * A free port outside the services' block and unlike the ones already taken: each is free when
     * chosen, but nothing holds them until run.sh starts, so an ephemeral port can land inside the
     * block, and the service whose port a server takes then fails to start.
     */
    private static int freePortApartFrom(int base, int... taken) {
        while (true) {
            int port = LocalServers.freePort();
            if ((port < base || port >= base + SERVICE_PORTS) && Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
