package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.LocalServers;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.TempFiles;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What storage-service does at start and on the reaper's schedule with an output directory a
 * killed process left: objects stored as paths are moved to the current layout, temporary files
 * and parts nobody writes any more are removed (and counted), those another live replica or an
 * upload in progress may still write are kept. The directory is prepared before the service starts.
 */
@QuarkusTest
@TestProfile(StartupCleanupTest.Prepared.class)
@WithTestResource(EmbeddedServersTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartupCleanupTest {

    static final Path OUTPUT = Path.of("target/startup-outputs").toAbsolutePath().normalize();
    /** Fixed names: the resource that prepares the directory may run in another class loader than the tests. */
    static final String JOB = "startup-job";
    static final String OTHER_REPLICA = "ffffffffffff-1-22222222";
    /** What a version that stored {output}/{key} left: the objects' files and rows. */
    static final Map<String, String> LEGACY = new LinkedHashMap<>();
    /** The leftovers prepared, by what they stand for. */
    static final Map<String, Path> PREPARED = new LinkedHashMap<>();

    static {
        LEGACY.put(JOB + "/a", "old a");
        LEGACY.put(JOB + "/a.object", "old a.object");
        LEGACY.put(JOB + "/samples/", "old folder object");
        LEGACY.put(JOB + "/checkpoint-500/model.safetensors", "old weights");
        Path tmp = OUTPUT.resolve(".tuneops-tmp");
        PREPARED.put("gone", tmp.resolve("000000000000-1-00000000.gone"));
        PREPARED.put("killed", tmp.resolve("killed"));
        PREPARED.put("other", tmp.resolve(OTHER_REPLICA + ".other"));
        PREPARED.put("old unnamed", tmp.resolve("old-unnamed"));
        PREPARED.put("recent unnamed", tmp.resolve("recent-unnamed"));
        PREPARED.put("parts", OUTPUT.resolve(".tuneops-multipart/ended-upload"));
    }

    public static class Prepared implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.storage.output-path", OUTPUT.toString(),
                    "tuneops.storage.reap-interval", "1S",
                    "tuneops.storage.replica-timeout", "2M");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Leftovers.class));
        }
    }

    /** Leaves the output directory as a killed old version and a killed upload would, before the service starts. */
    public static class Leftovers extends PreparedBeforeStart {
        @Override
        void prepare() throws Exception {
            StartupCleanupTest.prepare();
        }
    }

    static void prepare() throws Exception {
        PreparedBeforeStart.remove(OUTPUT);
        Files.createDirectories(OUTPUT.resolve(".tuneops-tmp"));
        Path marks = Files.createDirectories(OUTPUT.resolve(".tuneops-replicas"));
        // a replica that is gone: no mark
        Files.writeString(PREPARED.get("gone"), "partial");
        // a process of this machine killed a moment ago: its mark is fresh, its process is not there
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor(10, TimeUnit.SECONDS);
        String killed = TempFiles.machine() + "-" + exited.pid() + "-11111111";
        Files.writeString(marks.resolve(killed), "");
        Files.writeString(PREPARED.get("killed").resolveSibling(killed + ".killed"), "partial");
        // another replica, alive and writing
        Files.writeString(marks.resolve(OTHER_REPLICA), "");
        Files.writeString(PREPARED.get("other"), "being written");
        // named by an older version: removed once nobody wrote it for replica-timeout
        Files.writeString(PREPARED.get("old unnamed"), "old");
        Files.setLastModifiedTime(PREPARED.get("old unnamed"), FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Files.writeString(PREPARED.get("recent unnamed"), "recent");
        // the parts of an upload PostgreSQL no longer has
        Files.createDirectories(PREPARED.get("parts"));
        Files.writeString(PREPARED.get("parts").resolve("1"), "part 1");
        Files.writeString(PREPARED.get("parts").resolve("2"), "part 2");

        // objects stored as paths, with their rows
        PreparedBeforeStart.migrate();
        try (Connection db = DriverManager.getConnection(PreparedBeforeStart.jdbcUrl(), LocalServers.USER, "");
             PreparedStatement insert = db.prepareStatement(
                     "INSERT INTO storage.objects (bucket, key, size, etag, content_type) VALUES (?, ?, ?, ?, 'text/plain') "
                             + "ON CONFLICT (bucket, key) DO NOTHING")) {
            for (Map.Entry<String, String> e : LEGACY.entrySet()) {
                Path file = e.getKey().endsWith("/") ? OUTPUT.resolve(e.getKey()).resolve(".tuneops-folder-object")
                        : OUTPUT.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
                insert.setString(1, S3TestSupport.BUCKET);
                insert.setString(2, e.getKey());
                insert.setLong(3, bytes.length);
                insert.setString(4, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)));
                insert.executeUpdate();
            }
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Inject
    ObjectStore store;

    @Inject
    TempFiles temps;

    @Test
    @Order(1)
    void atStartLeftoversNobodyWritesAreRemovedAndCounted() throws IOException {
        assertFalse(Files.exists(PREPARED.get("gone")), "the temporary file of a replica that is gone");
        try (Stream<Path> killed = Files.list(OUTPUT.resolve(".tuneops-tmp"))) {
            assertEquals(List.of(), killed.filter(p -> p.toString().endsWith(".killed")).toList(),
                    "the temporary file of a killed process of this machine");
        }
        assertFalse(Files.exists(PREPARED.get("old unnamed")));
        assertFalse(Files.exists(PREPARED.get("parts")), "the parts of an upload that is not in progress");
        assertTrue(Files.exists(PREPARED.get("other")), "another live replica's upload");
        assertTrue(Files.exists(PREPARED.get("recent unnamed")));
        assertEquals(3.0, leftovers("temp"));
        assertEquals(2.0, leftovers("part"));
    }

    @Test
    @Order(2)
    void objectsStoredAsPathsWereMovedAtStartAndAreReadable() throws IOException {
        Credential c = S3TestSupport.issue(redis, JOB, 3600);
        try (S3Client s3 = S3TestSupport.client(c)) {
            LEGACY.forEach((key, body) -> assertEquals(body,
                    s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asUtf8String(), key));
            // a key the old layout could not hold next to JOB/a
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(JOB + "/a/b"), RequestBody.fromString("below a"));
            assertEquals("old a", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(JOB + "/a")).asUtf8String());
        }
        assertEquals("old weights", Files.readString(OUTPUT.resolve(JOB + "/checkpoint-500/model.safetensors.object")));
        assertFalse(Files.exists(OUTPUT.resolve(JOB + "/checkpoint-500/model.safetensors")));
        assertEquals("2", Files.readString(OUTPUT.resolve(".tuneops-layout")).trim());
        assertFalse(Files.exists(OUTPUT.resolve(".tuneops-migration")));
    }

    @Test
    @Order(3)
    void onTheReapersScheduleOnlyWhatNobodyCanStillWriteIsRemoved() throws Exception {
        double temps0 = leftovers("temp");
        double parts0 = leftovers("part");
        Path tmp = OUTPUT.resolve(".tuneops-tmp");
        // this replica's own file that no request is writing (a request that ended without cleaning up)
        Path leaked = Files.writeString(tmp.resolve(temps.replicaId() + "." + UUID.randomUUID()), "leaked");
        // this replica's file of an upload in flight
        Path inFlight = store.newTempPath();
        Files.writeString(inFlight, "being written");
        // the other replica stops marking itself alive
        Files.setLastModifiedTime(OUTPUT.resolve(".tuneops-replicas").resolve(OTHER_REPLICA),
                FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
        // the parts of an upload in progress, and of one that is not
        String inProgress = "in-progress-" + UUID.randomUUID();
        pool.preparedQuery("INSERT INTO storage.multipart_uploads (upload_id, bucket, key, content_type) VALUES ($1, $2, $3, 'x')")
                .execute(Tuple.of(inProgress, S3TestSupport.BUCKET, JOB + "/big.bin")).await().indefinitely();
        Path kept = Files.createDirectories(OUTPUT.resolve(".tuneops-multipart").resolve(inProgress));
        Files.writeString(kept.resolve("1"), "part 1");
        Path ended = Files.createDirectories(OUTPUT.resolve(".tuneops-multipart/ended-" + UUID.randomUUID()));
        Files.writeString(ended.resolve("7"), "part 7");

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((Files.exists(leaked) || Files.exists(PREPARED.get("other")) || Files.exists(ended)) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50); // polling the directory until the deadline
        }
        assertFalse(Files.exists(leaked), "this replica's leaked temporary file");
        assertFalse(Files.exists(PREPARED.get("other")), "the temporary file of a replica that stopped marking itself alive");
        assertFalse(Files.exists(ended));
        assertTrue(Files.exists(inFlight), "an upload in flight on this replica");
        assertTrue(Files.exists(kept.resolve("1")), "a part of an upload in progress");
        assertEquals(temps0 + 2, leftovers("temp"));
        assertEquals(parts0 + 1, leftovers("part"));
        store.deleteFile(inFlight).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static double leftovers(String kind) {
        String text = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^tuneops_storage_leftovers_removed_total\\{[^}]*kind=\"" + kind + "\"[^}]*} (\\S+)$",
                Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), "tuneops_storage_leftovers_removed_total{kind=\"" + kind + "\"} is not exported");
        return Double.parseDouble(m.group(1));
    }
}
