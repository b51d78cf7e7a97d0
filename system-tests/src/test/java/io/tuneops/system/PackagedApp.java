package io.tuneops.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged artifacts the system tests run, refused when missing or older than their sources.
 * {@code ./mvnw -pl system-tests verify} builds no service: without this check it would test
 * whatever an earlier build left in {@code target/}, silently. An artifact is stale when a file or
 * directory under its module's {@code src/main}, or the module's {@code pom.xml}, changed after it
 * was written (a directory's time catches deleted and renamed files). A service application also
 * bundles tuneops libraries (service-support) under {@code lib/main}: Quarkus keeps each bundled
 * jar's time, so each is checked against its own module the same way, which catches a service
 * packaged against an older installed copy of the library.
 */
final class PackagedApp {

    private static final String GROUP_PREFIX = "io.tuneops.";
    private static final Set<String> CHECKED = new HashSet<>();
    private static final Pattern LIBRARY = Pattern.compile("io\\.tuneops\\.(.+?)-\\d.*\\.jar");

    private PackagedApp() {
    }

    /** The checkout the tests run against (system-tests' parent directory under Maven). */
    static Path root() {
        return Path.of(System.getProperty("tuneops.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * {@code <service>/target/quarkus-app/quarkus-run.jar}, checked the first time this JVM starts it:
     * a restart later in the run starts the same package, even if its sources change meanwhile.
     */
    static synchronized Path runJar(String service) {
        if (CHECKED.add(service)) {
            requireFresh(List.of(service));
        }
        return quarkusApp(root(), service).resolve("quarkus-run.jar");
    }

    /** Fails, naming every problem at once and how to fix it, unless each service's application is current. */
    static synchronized void requireFresh(List<String> services) {
        requireFresh(root(), services);
        CHECKED.addAll(services);
    }

    static void requireFresh(Path root, List<String> services) {
        List<String> problems = new ArrayList<>();
        for (String service : services) {
            problems.addAll(problems(root, service));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems)
                    + "\nPackage them first: ./mvnw verify (everything), or ./mvnw package -DskipTests -pl "
                    + String.join(",", services) + " -am, then ./mvnw -pl system-tests verify");
        }
    }

    /** Fails unless {@code artifact} (a plain jar of {@code module}) exists and is current. */
    static void requireFresh(String module, Path artifact) {
        Path dir = root().resolve(module);
        String problem = !Files.exists(artifact) ? artifact + " is missing" : stale(dir, artifact).orElse(null);
        if (problem != null) {
            throw new IllegalStateException(problem + "\nPackage it first: ./mvnw package -DskipTests -pl " + module + " -am");
        }
    }

    /** What is missing or stale in {@code service}'s application under {@code root}; empty when it is current. */
    static List<String> problems(Path root, String service) {
        Path app = quarkusApp(root, service);
        Path runJar = app.resolve("quarkus-run.jar");
        if (!Files.exists(runJar)) {
            return List.of(runJar + " is missing");
        }
        List<String> problems = new ArrayList<>();
        stale(root.resolve(service), runJar).ifPresent(problems::add);
        for (Path library : bundledLibraries(app)) {
            Path module = root.resolve(moduleOf(library));
            if (Files.isRegularFile(module.resolve("pom.xml"))) {
                stale(module, library).ifPresent(p -> problems.add(service + " bundles an old " + module.getFileName() + ": " + p));
            }
        }
        return problems;
    }

    /** Says which source changed after {@code artifact} was written, if one did. */
    static Optional<String> stale(Path module, Path artifact) {
        FileTime built = modified(artifact);
        return newestSource(module)
                .filter(source -> modified(source).compareTo(built) > 0)
                .map(source -> artifact + " (" + built + ") is older than " + source + " (" + modified(source) + ")");
    }

    /** The newest file or directory under {@code src/main}, or the pom itself. */
    static Optional<Path> newestSource(Path module) {
        List<Path> sources = new ArrayList<>();
        Path pom = module.resolve("pom.xml");
        if (Files.exists(pom)) {
            sources.add(pom);
        }
        Path main = module.resolve("src/main");
        if (Files.isDirectory(main)) {
            try (Stream<Path> tree = Files.walk(main)) {
                tree.forEach(sources::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources.stream().max(Comparator.comparing(PackagedApp::modified));
    }

    private static Path quarkusApp(Path root, String service) {
        return root.resolve(service).resolve("target/quarkus-app");
    }

    /** The tuneops jars in the application's {@code lib/main}, named {@code io.tuneops.<artifactId>-<version>.jar}. */
    private static List<Path> bundledLibraries(Path app) {
        Path lib = app.resolve("lib/main");
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.filter(jar -> jar.getFileName().toString().startsWith(GROUP_PREFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code io.tuneops.service-support-0.1.0-SNAPSHOT.jar} -> {@code service-support}: the artifactId is the module's directory. */
    static String moduleOf(Path library) {
        Matcher name = LIBRARY.matcher(library.getFileName().toString());
        if (!name.matches()) {
            throw new IllegalArgumentException("not a tuneops library jar: " + library);
        }
        return name.group(1);
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
