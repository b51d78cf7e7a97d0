package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.LocalServers;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.storage.service.ObjectKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What a process killed in the middle of deletes and overwrites leaves: files set aside (marked with
 * their keys) under a dead replica's temporary names, next to rows that did or did not commit. At
 * start they go back to their keys where the rows still describe them, and away otherwise.
 */
@QuarkusTest
@TestProfile(AsideRecoveryTest.Prepared.class)
@WithTestResource(EmbeddedServersTestResource.class)
class AsideRecoveryTest {

    static final Path OUTPUT = Path.of("target/aside-recovery-outputs").toAbsolutePath().normalize();
    static final String JOB = "recovery-job";
    /** A replica that is gone: no mark under .tuneops-replicas. */
    static final String DEAD = "000000000000-1-00000000";
    static final String DELETE_NOT_COMMITTED = JOB + "/deleted-not-committed.bin";
    static final String OVERWRITE_NOT_COMMITTED = JOB + "/overwritten-not-committed.bin";
    static final String OVERWRITE_COMMITTED = JOB + "/overwritten-committed.bin";
    static final String DELETE_COMMITTED = JOB + "/deleted-committed.bin";

    public static class Prepared implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.storage.output-path", OUTPUT.toString());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KilledMidChange.class));
        }
    }

    /** Leaves the output directory and the rows as a process killed before or after its changes' COMMITs would. */
    public static class KilledMidChange extends PreparedBeforeStart {
        @Override
        void prepare() throws Exception {
            AsideRecoveryTest.prepare();
        }
    }

    static void prepare() throws Exception {
        PreparedBeforeStart.remove(OUTPUT);
        Files.createDirectories(OUTPUT.resolve(".tuneops-tmp"));
        Files.createDirectories(OUTPUT.resolve(".tuneops-replicas"));
        Files.writeString(OUTPUT.resolve(".tuneops-layout"), "2\n");
        PreparedBeforeStart.migrate();
        try (Connection db = DriverManager.getConnection(PreparedBeforeStart.jdbcUrl(), LocalServers.USER, "")) {
            // a delete moved the file aside and was killed before its COMMIT: the row is there
            row(db, DELETE_NOT_COMMITTED, "weights");
            aside(DELETE_NOT_COMMITTED, "weights", "a");
            // an overwrite moved its new file in place and was killed before its COMMIT: the old row
            row(db, OVERWRITE_NOT_COMMITTED, "old checkpoint");
            place(OVERWRITE_NOT_COMMITTED, "new checkpoint, never committed");
            aside(OVERWRITE_NOT_COMMITTED, "old checkpoint", "b");
            // an overwrite that committed, killed before the old file's name was dropped
            row(db, OVERWRITE_COMMITTED, "new samples");
            place(OVERWRITE_COMMITTED, "new samples");
            aside(OVERWRITE_COMMITTED, "old samples", "c");
            // a delete that committed, killed before the file was removed: no row
            aside(DELETE_COMMITTED, "deleted", "d");
        }
    }

    private static void row(Connection db, String key, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO storage.objects (bucket, key, size, etag, content_type) VALUES (?, ?, ?, ?, 'text/plain')")) {
            insert.setString(1, S3TestSupport.BUCKET);
            insert.setString(2, key);
            insert.setLong(3, bytes.length);
            insert.setString(4, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)));
            insert.executeUpdate();
        }
    }

    private static void place(String key, String body) throws Exception {
        Path file = ObjectKeys.resolve(OUTPUT, key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, body);
    }

    /** A file the dead replica set aside from {@code key}, marked as the service marks it. */
    private static void aside(String key, String body, String name) throws Exception {
        Path file = Files.writeString(OUTPUT.resolve(".tuneops-tmp").resolve(DEAD + "." + name), body);
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
                .write("tuneops.key", ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Inject
    RedisDataSource redis;

    @Test
    void filesSetAsideGoBackToTheKeysWhoseRowsStillDescribeThem() throws Exception {
        Credential c = S3TestSupport.issue(redis, JOB, 3600);
        try (S3Client s3 = S3TestSupport.client(c)) {
            assertEquals("weights", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(DELETE_NOT_COMMITTED)).asUtf8String());
            assertEquals("old checkpoint",
                    s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(OVERWRITE_NOT_COMMITTED)).asUtf8String());
            assertEquals("new samples", s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(OVERWRITE_COMMITTED)).asUtf8String());
            assertThrows(NoSuchKeyException.class, () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(DELETE_COMMITTED)));
        }
        assertFalse(Files.exists(ObjectKeys.resolve(OUTPUT, DELETE_COMMITTED)));
        try (Stream<Path> left = Files.list(OUTPUT.resolve(".tuneops-tmp"))) {
            assertEquals(List.of(), left.toList(), "every file set aside is settled");
        }
    }
}
