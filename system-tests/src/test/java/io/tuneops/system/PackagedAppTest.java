package io.tuneops.system;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a packaged service counts as stale, on a fake checkout with chosen file times (no suite needed). */
class PackagedAppTest {

    private static final Instant EDITED = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant PACKAGED = EDITED.plusSeconds(60);

    @TempDir
    Path root;

    private Path runJar;
    private Path bundledSupport;

    @BeforeEach
    void checkout() throws IOException {
        file("gateway-service/pom.xml", EDITED);
        file("gateway-service/src/main/java/io/tuneops/gateway/Main.java", EDITED);
        file("gateway-service/src/main/resources/application.properties", EDITED);
        file("service-support/pom.xml", EDITED);
        file("service-support/src/main/java/io/tuneops/support/Support.java", EDITED);
        runJar = file("gateway-service/target/quarkus-app/quarkus-run.jar", PACKAGED);
        bundledSupport = file("gateway-service/target/quarkus-app/lib/main/io.tuneops.service-support-0.1.0-SNAPSHOT.jar", PACKAGED);
        file("gateway-service/target/quarkus-app/lib/main/io.vertx.vertx-core-4.5.25.jar", EDITED.minusSeconds(86_400));
        directoriesAt("gateway-service/src", EDITED);
        directoriesAt("service-support/src", EDITED);
    }

    @Test
    void anApplicationPackagedAfterEveryEditIsCurrent() {
        assertEquals(List.of(), PackagedApp.problems(root, "gateway-service"));
    }

    @Test
    void aMissingApplicationIsNamed() throws IOException {
        Files.delete(runJar);
        assertEquals(List.of(runJar + " is missing"), PackagedApp.problems(root, "gateway-service"));
    }

    @Test
    void aSourceEditedAfterPackagingMakesItStale() throws IOException {
        Path edited = file("gateway-service/src/main/resources/application.properties", PACKAGED.plusSeconds(1));
        List<String> problems = PackagedApp.problems(root, "gateway-service");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(runJar + " ("), problems.get(0));
        assertTrue(problems.get(0).contains("is older than " + edited), problems.get(0));
    }

    @Test
    void aPomEditedAfterPackagingMakesItStale() throws IOException {
        Path pom = file("gateway-service/pom.xml", PACKAGED.plusSeconds(1));
        assertTrue(PackagedApp.problems(root, "gateway-service").get(0).contains("is older than " + pom));
    }

    @Test
    void aDeletedSourceMakesItStaleThroughItsDirectory() throws IOException {
        Path dir = root.resolve("gateway-service/src/main/java/io/tuneops/gateway");
        Files.delete(dir.resolve("Main.java"));
        Files.setLastModifiedTime(dir, FileTime.from(PACKAGED.plusSeconds(1)));
        assertTrue(PackagedApp.problems(root, "gateway-service").get(0).contains("is older than " + dir));
    }

    @Test
    void testSourcesDoNotCount() throws IOException {
        file("gateway-service/src/test/java/io/tuneops/gateway/MainTest.java", PACKAGED.plusSeconds(1));
        assertEquals(List.of(), PackagedApp.problems(root, "gateway-service"));
    }

    @Test
    void aBundledLibraryOlderThanItsModuleIsNamed() throws IOException {
        Files.setLastModifiedTime(bundledSupport, FileTime.from(EDITED.minusSeconds(1)));
        List<String> problems = PackagedApp.problems(root, "gateway-service");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("gateway-service bundles an old service-support: " + bundledSupport), problems.get(0));
    }

    @Test
    void requireFreshFailsWithEveryProblemAndTheCommandThatFixesIt() throws IOException {
        file("gateway-service/src/main/java/io/tuneops/gateway/Main.java", PACKAGED.plusSeconds(1));
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> PackagedApp.requireFresh(root, List.of("gateway-service", "audit-service")));
        assertTrue(failure.getMessage().contains("Main.java"), failure.getMessage());
        assertTrue(failure.getMessage().contains("audit-service/target/quarkus-app/quarkus-run.jar is missing"), failure.getMessage());
        assertTrue(failure.getMessage().contains("./mvnw package -DskipTests -pl gateway-service,audit-service -am"),
                failure.getMessage());
    }

    @Test
    void aLibraryJarNamesItsModule() {
        assertEquals("service-support", PackagedApp.moduleOf(Path.of("io.tuneops.service-support-0.1.0-SNAPSHOT.jar")));
        assertEquals("local-servers", PackagedApp.moduleOf(Path.of("lib/io.tuneops.local-servers-1.2.jar")));
    }

    private Path file(String path, Instant modified) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, path);
        }
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private void directoriesAt(String under, Instant modified) throws IOException {
        try (var tree = Files.walk(root.resolve(under))) {
            for (Path dir : tree.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(dir, FileTime.from(modified));
            }
        }
    }
}
