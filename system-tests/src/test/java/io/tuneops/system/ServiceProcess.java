package io.tuneops.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One packaged tuneops service running as its own JVM, the way the local run and images start it. */
final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    final Path output;
    private Process process;

    ServiceProcess(String name, int port, Map<String, String> environment, List<String> jvmOptions, Path output) {
        this.name = name;
        this.port = port;
        this.environment = environment;
        this.jvmOptions = jvmOptions;
        this.output = output;
    }

    ServiceProcess start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(PackagedApp.runJar(name).toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("TUNEOPS_HTTP_PORT", Integer.toString(port));
        try {
            Files.createDirectories(output.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Waits for /q/health/ready to answer 200; fails at once if the process dies. */
    ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            if (status(url("/q/health/ready")) == 200) {
                return this;
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    /** SIGTERM, then waits for the JVM to exit (graceful shutdown included). */
    int stop() {
        if (process == null) {
            return -1;
        }
        process.destroy();
        try {
            if (!process.waitFor(45, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /**
     * How many of the JVM's threads have a name starting with the prefix, read from /proc (Linux,
     * where a thread's name is cut to 15 bytes, so only that much of the prefix is compared).
     */
    long threadsNamed(String prefix) {
        String cut = prefix.substring(0, Math.min(prefix.length(), 15));
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm")).strip().startsWith(cut);
                } catch (IOException e) {
                    return false; // the thread ended while we looked
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail() {
        try {
            List<String> lines = Files.exists(output) ? Files.readAllLines(output) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Between two polls of a condition that has a deadline; never a stand-in for the condition. */
    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
