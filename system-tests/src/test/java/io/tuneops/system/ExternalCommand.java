package io.tuneops.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client program the tests drive (aws-cli, a boto3 script, rclone): run with a deadline, stdout
 * and stderr captured in a file so a chatty program never blocks on a full pipe, and the output put
 * into the failure message when it fails or overruns.
 */
final class ExternalCommand {

    record Result(int exit, String output) {
    }

    private ExternalCommand() {
    }

    /** Runs {@code command} with {@code env} added to a clean copy of this JVM's environment (no AWS_* leaks in). */
    static Result run(Duration timeout, Map<String, String> env, List<String> command) {
        try {
            Path log = Files.createTempFile("external-command", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
                builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("RCLONE_"));
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    fail(String.join(" ", command) + " still running after " + timeout + ", output:\n" + read(log));
                }
                return new Result(process.exitValue(), read(log));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs it and fails the test, with the output, unless it exits 0. */
    static String succeed(Duration timeout, Map<String, String> env, List<String> command) {
        Result result = run(timeout, env, command);
        if (result.exit() != 0) {
            fail(String.join(" ", command) + " exited " + result.exit() + ", output:\n" + result.output());
        }
        return result.output();
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
