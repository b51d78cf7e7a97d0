package io.tuneops.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the repository's deploy scripts the way an operator does: bash, environment, stdin. */
final class Scripts {

    private Scripts() {
    }

    static Path repoRoot() {
        String dir = System.getProperty("tuneops.repo.root");
        return (dir != null ? Paths.get(dir) : Paths.get("..")).toAbsolutePath().normalize();
    }

    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    /** Runs a bash command line. */
    static Result shell(String commandLine) {
        return exec(List.of("bash", "-c", commandLine), Map.of(), null);
    }

    /** Runs {@code bash script args...} with {@code env} on top of a copy of this process' environment without TUNEOPS_*. */
    static Result run(Path script, Map<String, String> env, String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(script.toString());
        command.addAll(List.of(args));
        return exec(command, env, stdin);
    }

    private static Result exec(List<String> command, Map<String, String> env, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TUNEOPS_") || k.startsWith("PG") || k.startsWith("BACKUP_"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            // read to the end before waiting: a full pipe would block the script
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 180 s; output:\n" + out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
