package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's jobs page on a large job table: 100,000 jobs written straight into webhook-service's
 * table, then the page fetched through the gateway with a viewer's session, as a browser would,
 * and timed (median of {@value #SAMPLES} after a warm-up). Prints the figures for
 * docs/performance.md. The rows are inserted with triggers off, so that the export's job totals
 * never see them, and deleted afterwards: the other system tests see the table as it was.
 */
@ExtendWith(Suite.Extension.class)
class ConsoleScaleIT {

    private static final int JOBS = 100_000;
    private static final int SAMPLES = 20;
    private static final int WARM_UP = 10;
    /** What the page must stay under at the median; the target in the issue is 150 ms. */
    private static final long LIMIT_MS = 1_000;
    private static final String SUBMITTER = "console-scale-it";
    private static final Pattern NEXT = Pattern.compile("<a href=\"([^\"]+)\" id=\"jobs-next\"");

    private final Suite suite = Suite.Extension.suite();
    private final String client = "192.0.2." + (1 + new Random().nextInt(250));

    @Test
    void theJobsPageStaysFastWithAHundredThousandJobs() throws SQLException {
        long inserted = System.nanoTime();
        insertJobs();
        System.out.printf("[console] inserted %,d jobs in %d ms%n", JOBS, (System.nanoTime() - inserted) / 1_000_000);
        try {
            ConsoleSessions sessions = new ConsoleSessions(suite.gateway(""), client);
            String session = sessions.signIn(sessions.key("console scale viewer", "viewer"));

            Http.Reply first = sessions.page(session, "/jobs");
            assertEquals(200, first.status(), first.body());
            // the newest job leads the first page: the page reads the table it is timed on
            assertTrue(first.body().contains(jobId(1)), "the newest job is not on the first page");

            double[] list = time(sessions, session, "/jobs");
            // keyset paging: the next page's link carries a cursor, and a page deep in the table costs what the first does
            String next = nextPage(first.body());
            double[] second = time(sessions, session, next);
            Http.Reply deep = sessions.page(session, next);
            for (int page = 0; page < 20; page++) {
                deep = sessions.page(session, nextPage(deep.body()));
                assertEquals(200, deep.status());
            }
            String deepPage = nextPage(deep.body());
            double[] deeper = time(sessions, session, deepPage);
            double[] filtered = time(sessions, session, "/jobs?status=completed&provider=generic");
            double[] api = time(sessions, session, "/api/cloud/jobs?limit=50");
            System.out.printf("[console] GET /jobs with %,d jobs through the gateway: median %.1f ms, max %.1f ms (%d samples)%n",
                    JOBS, median(list), max(list), SAMPLES);
            System.out.printf("[console] its next page (keyset cursor): median %.1f ms; 22 pages further: median %.1f ms%n",
                    median(second), median(deeper));
            System.out.printf("[console] GET /jobs?status=completed&provider=generic: median %.1f ms, max %.1f ms%n",
                    median(filtered), max(filtered));
            System.out.printf("[console] for comparison, GET /api/cloud/jobs?limit=50 (JSON): median %.1f ms%n", median(api));
            assertTrue(median(list) < LIMIT_MS, "the jobs page takes " + median(list) + " ms at the median");
            assertTrue(median(deeper) < LIMIT_MS, "a page deep in the list takes " + median(deeper) + " ms at the median");
            assertTrue(median(filtered) < LIMIT_MS, "the filtered jobs page takes " + median(filtered) + " ms at the median");
        } finally {
            deleteJobs();
        }
    }

    /** The href of the page's "Next page" link, unescaped as the browser reads it. */
    private static String nextPage(String html) {
        Matcher link = NEXT.matcher(html);
        assertTrue(link.find(), "no next page link");
        return link.group(1).replace("&amp;", "&");
    }

    private double[] time(ConsoleSessions sessions, String session, String path) {
        for (int i = 0; i < WARM_UP; i++) {
            assertEquals(200, sessions.page(session, path).status(), path);
        }
        double[] ms = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long start = System.nanoTime();
            Http.Reply reply = sessions.page(session, path);
            ms[i] = (System.nanoTime() - start) / 1e6;
            assertEquals(200, reply.status(), path);
        }
        return ms;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return (sorted[(sorted.length - 1) / 2] + sorted[sorted.length / 2]) / 2;
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    /** The id of the i-th inserted job, 1 the newest: the form webhook-service gives ids ({@code job_} and 20 hex digits). */
    private static String jobId(int i) {
        return "job_" + String.format("%020x", i);
    }

    private Connection database() throws SQLException {
        Connection connection = DriverManager.getConnection(suite.servers.jdbcUrl(), "postgres", "");
        try (Statement statement = connection.createStatement()) {
            // replica role: no trigger fires, so the export's job totals (a trigger's deltas) never count these rows
            statement.execute("SET session_replication_role = replica");
        }
        return connection;
    }

    private void insertJobs() throws SQLException {
        try (Connection db = database(); Statement statement = db.createStatement()) {
            statement.execute("""
                    INSERT INTO webhook.job (job_id, provider, provider_job_id, status, submitted_by, name, hardware,
                                             request, cost_usd, predict_time, created_at, updated_at, started_at, completed_at)
                    SELECT 'job_' || lpad(to_hex(i), 20, '0'),
                           CASE WHEN mod(i, 4) = 0 THEN 'replicate' ELSE 'generic' END,
                           CASE WHEN mod(i, 4) = 0 THEN 'r8_' || i END,
                           (ARRAY['pending', 'queued', 'running', 'completed', 'failed', 'cancelled'])[1 + mod(i, 6)],
                           '%s', 'scale job ' || i, 'h100', '{}'::jsonb,
                           mod(i, 500) / 100.0, CASE WHEN mod(i, 6) = 3 THEN 60 + mod(i, 3600) END,
                           now() - i * interval '1 millisecond', now() - i * interval '1 millisecond',
                           CASE WHEN mod(i, 6) >= 2 THEN now() - i * interval '1 millisecond' END,
                           CASE WHEN mod(i, 6) >= 3 THEN now() - i * interval '1 millisecond' END
                    FROM generate_series(1, %d) AS i
                    """.formatted(SUBMITTER, JOBS));
            statement.execute("ANALYZE webhook.job");
        }
    }

    private void deleteJobs() throws SQLException {
        try (Connection db = database(); Statement statement = db.createStatement()) {
            statement.executeUpdate("DELETE FROM webhook.job WHERE submitted_by = '" + SUBMITTER + "'");
        }
    }
}
