package io.tuneops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneops.local.LocalServers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/backup/backup.sh and restore.sh against a real PostgreSQL holding the five services' real
 * schemas (their Flyway migrations, applied from the sources): backup, change, restore, data back.
 *
 * <p>The scripts run the machine's pg_dump/pg_restore/psql (Debian's postgresql-client, major
 * version 15, installed by ./test.sh), so the embedded server is PostgreSQL 15 here (see this
 * module's pom): pg_dump refuses a server newer than itself.
 */
class BackupRoundTripTest {

    static final Path BACKUP = Scripts.repoRoot().resolve("deploy/backup/backup.sh");
    static final Path RESTORE = Scripts.repoRoot().resolve("deploy/backup/restore.sh");
    static final List<String> SCHEMAS = List.of("gateway", "webhook", "storage", "metrics", "audit");

    static LocalServers servers;

    @TempDir
    Path backups;

    @BeforeAll
    static void startServerAndMigrate() throws Exception {
        Scripts.Result tools = Scripts.shell(
                "for t in pg_dump pg_restore psql; do command -v $t >/dev/null || { echo \"missing $t\"; exit 1; }; done; pg_dump --version");
        assertEquals(0, tools.exitCode(), "the PostgreSQL client tools (Debian postgresql-client; ./test.sh installs it): " + tools);
        servers = LocalServers.startEphemeral();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            int serverMajor = rs.getInt(1) / 10000;
            Matcher m = Pattern.compile("(\\d+)\\.").matcher(tools.output());
            assertTrue(m.find(), tools.output());
            assertTrue(Integer.parseInt(m.group(1)) >= serverMajor,
                    "pg_dump " + m.group(1) + " cannot dump a PostgreSQL " + serverMajor + " server");
        }
        for (String schema : SCHEMAS) {
            Path migrations = Scripts.repoRoot().resolve(schema + "-service/src/main/resources/db/migration");
            Flyway.configure()
                    .dataSource(servers.jdbcUrl(), LocalServers.USER, "")
                    .schemas(schema)
                    .defaultSchema(schema)
                    .locations("filesystem:" + migrations)
                    .load()
                    .migrate();
        }
    }

    @AfterAll
    static void stopServer() {
        if (servers != null) {
            servers.close();
        }
    }

    @BeforeEach
    void freshJobs() throws SQLException {
        sql("DELETE FROM webhook.job");
        sql("DELETE FROM webhook.job_totals_delta");
        for (String id : List.of("job-1", "job-2", "job-3")) {
            sql("INSERT INTO webhook.job (job_id, provider, status, submitted_by, cost_usd) VALUES ('" + id
                    + "', 'replicate', 'running', 'ops', 1.25)");
        }
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TUNEOPS_DB_URL", servers.databaseUrl());
        env.put("TUNEOPS_DB_USER", LocalServers.USER);
        return env;
    }

    @Test
    void backupChangeRestoreBringsTheDataBack() throws Exception {
        Map<String, Object> before = snapshot();

        Scripts.Result backup = Scripts.run(BACKUP, env(), null, "--dir", backups.toString(), "--retention-days", "30");
        assertEquals(0, backup.exitCode(), backup.toString());
        Path file = singleBackup("tuneops_backup_");
        assertTrue(backup.output().contains("Backup created: " + file), backup.toString());
        assertFalse(backup.output().contains("secret"), backup.toString());
        assertEquals("rw-------", posix(file), "a backup holds every secret the database holds (encrypted)");

        Scripts.Result info = Scripts.run(BACKUP, env(), null, "info");
        assertEquals(0, info.exitCode(), info.toString());
        assertTrue(info.output().matches("(?s)Database: \\d+\\.\\d MB, 3 jobs .*"), info.toString());
        Scripts.Result json = Scripts.run(BACKUP, env(), null, "info", "--json");
        assertTrue(json.output().contains("\"job_count\":3"), json.toString());

        // change: one job gone, one changed, one new
        sql("DELETE FROM webhook.job WHERE job_id = 'job-1'");
        sql("UPDATE webhook.job SET status = 'failed', error = 'boom' WHERE job_id = 'job-2'");
        sql("INSERT INTO webhook.job (job_id, provider, status, submitted_by) VALUES ('job-4', 'replicate', 'queued', 'ops')");
        Map<String, Object> changed = snapshot();
        assertNotEquals(before, changed);

        // no --yes and no typed confirmation: nothing happens
        Scripts.Result refused = Scripts.run(RESTORE, env(), "no\n", "--dir", backups.toString(), file.toString());
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.output().contains("WARNING: this overwrites the current database!"), refused.toString());
        assertTrue(refused.output().contains("Restore cancelled"), refused.toString());
        assertEquals(changed, snapshot());

        // typed confirmation
        Scripts.Result restored = Scripts.run(RESTORE, env(), "restore\n", "--dir", backups.toString(), file.toString());
        assertEquals(0, restored.exitCode(), restored.toString());
        assertTrue(restored.output().contains("3 jobs"), restored.toString());
        assertEquals(before, snapshot(), "the data as it was at backup time, triggers and migrations history included");

        // the restore wrote a safety backup of what it replaced: restoring that undoes the restore
        Path safety = singleBackup("tuneops_prerestore_");
        Scripts.Result undo = Scripts.run(RESTORE, env(), null, "--yes", "--no-safety-backup", safety.toString());
        assertEquals(0, undo.exitCode(), undo.toString());
        assertEquals(changed, snapshot());

        Scripts.Result list = Scripts.run(BACKUP, env(), null, "list", "--dir", backups.toString());
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.output().contains("  " + file.getFileName() + ": "), list.toString());
        assertTrue(list.output().contains("  " + safety.getFileName() + ": "), list.toString());
        assertTrue(list.output().contains("2 backup(s)"), list.toString());

        // "latest" is the newest tuneops_backup_ file (safety backups are not picked by accident)
        Scripts.Result latest = Scripts.run(RESTORE, env(), null, "--yes", "--no-safety-backup",
                "--dir", backups.toString(), "latest");
        assertEquals(0, latest.exitCode(), latest.toString());
        assertTrue(latest.output().contains("Restore " + file.getFileName()), latest.toString());
        assertEquals(before, snapshot());

        // the restored schema works for the services: the job totals trigger fires and its
        // sequence was restored too (no primary key collision)
        sql("INSERT INTO webhook.job (job_id, provider, status, submitted_by) VALUES ('job-5', 'replicate', 'queued', 'ops')");
        assertEquals(List.of("queued:1", "running:3"), totals());
    }

    @Test
    void aFailedRestoreChangesNothing() throws Exception {
        Scripts.Result backup = Scripts.run(BACKUP, env(), null, "--dir", backups.toString());
        assertEquals(0, backup.exitCode(), backup.toString());
        Path file = singleBackup("tuneops_backup_");
        sql("DELETE FROM webhook.job WHERE job_id = 'job-3'");
        Map<String, Object> current = snapshot();

        // a running service holds a lock: the restore times out instead of waiting, and rolls back
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE webhook.job IN ACCESS SHARE MODE");
            }
            Scripts.Result locked = Scripts.run(RESTORE, env(), null, "--yes", "--no-safety-backup",
                    "--lock-timeout", "1s", file.toString());
            assertEquals(1, locked.exitCode(), locked.toString());
            assertTrue(locked.output().contains("restore failed and was rolled back"), locked.toString());
            holder.rollback();
        }
        assertEquals(current, snapshot());

        Path garbage = backups.resolve("tuneops_backup_20990101_000000.dump");
        Files.write(garbage, "not an archive".getBytes());
        Scripts.Result bad = Scripts.run(RESTORE, env(), null, "--yes", garbage.toString());
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.output().contains("is not a backup"), bad.toString());
        assertEquals(current, snapshot());
    }

    @Test
    void retentionRemovesOnlyOldBackupsAfterAGoodOne() throws Exception {
        Path old = touch("tuneops_backup_20200101_000000.dump", Duration.ofDays(40));
        Path oldSafety = touch("tuneops_prerestore_20200101_000000.dump", Duration.ofDays(40));
        Path recent = touch("tuneops_backup_20990101_000000.dump", Duration.ofDays(10));
        Path unrelated = touch("notes.txt", Duration.ofDays(400));

        Scripts.Result keepAll = Scripts.run(BACKUP, env(), null, "--dir", backups.toString(), "--retention-days", "0");
        assertEquals(0, keepAll.exitCode(), keepAll.toString());
        assertTrue(Files.exists(old));

        Map<String, String> env = env();
        env.put("BACKUP_RETENTION_DAYS", "30");
        env.put("BACKUP_DIR", backups.toString());
        Scripts.Result pruned = Scripts.run(BACKUP, env, null);
        assertEquals(0, pruned.exitCode(), pruned.toString());
        assertFalse(Files.exists(old), pruned.toString());
        assertFalse(Files.exists(oldSafety), pruned.toString());
        assertTrue(pruned.output().contains("Removed (older than 30 days): " + old), pruned.toString());
        assertTrue(Files.exists(recent));
        assertTrue(Files.exists(unrelated), "only tuneops_*.dump files are the script's");
        try (Stream<Path> files = Files.list(backups)) {
            assertEquals(4, files.count(), "two new backups, the recent one and the unrelated file");
        }

        // a failed backup prunes nothing and leaves no partial file
        Map<String, String> unreachable = env();
        unreachable.put("TUNEOPS_DB_URL", "postgresql://127.0.0.1:" + LocalServers.freePort() + "/postgres");
        Path older = touch("tuneops_backup_20210101_000000.dump", Duration.ofDays(60));
        Scripts.Result failed = Scripts.run(BACKUP, unreachable, null, "--dir", backups.toString(), "--retention-days", "30");
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.output().contains("no backup written"), failed.toString());
        assertTrue(Files.exists(older), "nothing is pruned after a failed backup");
        try (Stream<Path> files = Files.list(backups)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".partial")));
        }
    }

    @Test
    void settingsAreCheckedWithAClearMessage() {
        Map<String, String> env = env();
        env.put("TUNEOPS_DB_PASSWORD_FILE", "/nonexistent/db-password");
        Scripts.Result r = Scripts.run(BACKUP, env, null, "--dir", backups.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.output().contains("TUNEOPS_DB_PASSWORD_FILE names /nonexistent/db-password"), r.toString());

        Scripts.Result days = Scripts.run(BACKUP, env(), null, "--retention-days", "ten");
        assertEquals(1, days.exitCode(), days.toString());
        assertTrue(days.output().contains("retention days must be a whole number"), days.toString());

        Scripts.Result none = Scripts.run(RESTORE, env(), null, "--yes", "--dir", backups.toString(), "latest");
        assertEquals(1, none.exitCode(), none.toString());
        assertTrue(none.output().contains("no backup in " + backups), none.toString());
    }

    private Path touch(String name, Duration age) throws IOException {
        Path p = backups.resolve(name);
        Files.write(p, new byte[] {1});
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
        return p;
    }

    private Path singleBackup(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(backups)) {
            List<Path> matching = files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            assertEquals(1, matching.size(), prefix + ": " + matching);
            return matching.get(0);
        }
    }

    private static String posix(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Every job row, the job totals, the triggers and the migration histories. */
    private static Map<String, Object> snapshot() throws SQLException {
        Map<String, Object> out = new HashMap<>();
        out.put("jobs", query("SELECT job_id || ':' || status || ':' || coalesce(error, '') || ':' || cost_usd FROM webhook.job ORDER BY job_id"));
        out.put("totals", totals());
        out.put("triggers", query("SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal "
                + "AND tgrelid::regclass::text LIKE 'webhook.%' ORDER BY 1"));
        for (String schema : SCHEMAS) {
            out.put(schema + " migrations", query("SELECT version || ':' || checksum FROM " + schema
                    + ".flyway_schema_history WHERE success ORDER BY installed_rank"));
        }
        return out;
    }

    /** Jobs per status as the totals trigger counts them. */
    private static List<Object> totals() throws SQLException {
        return query("SELECT status || ':' || sum(jobs) FROM webhook.job_totals_delta GROUP BY status "
                + "HAVING sum(jobs) <> 0 ORDER BY status");
    }

    private static List<Object> query(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Object> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getObject(1));
            }
            return rows;
        }
    }

    private static void sql(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(servers.jdbcUrl(), LocalServers.USER, "");
    }
}
