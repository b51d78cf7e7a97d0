package io.tuneops.audit;

import io.restassured.RestAssured;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the audit tests share: statements run straight on PostgreSQL (tampering), waiting for stored events, and the verification counts. */
final class AuditTestSupport {

    private AuditTestSupport() {
    }

    /** Runs one statement over JDBC, as someone with database access (not through the service). */
    static void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            assertNotEquals(-1, st.executeUpdate(statement));
        }
    }

    /** A JDBC connection of its own to the service's database. */
    static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    /** Polls an observable condition for up to 20 s. */
    static void awaitTrue(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());  // polling interval
        }
        throw new AssertionError(failure);
    }

    /** Waits until the entry with this event id can be queried; returns its seq. */
    static long awaitStored(String id, String type) {
        long[] seq = {-1};
        awaitTrue(() -> {
            var r = Caller.admin().queryParam("event_type", type).queryParam("limit", 1000).get("/api/audit");
            List<String> ids = r.jsonPath().getList("entries.id");
            int i = ids.indexOf(id);
            if (i >= 0) {
                seq[0] = r.jsonPath().getLong("entries[" + i + "].seq");
            }
            return i >= 0;
        }, "event " + id + " was never stored");
        return seq[0];
    }

    /** tuneops_audit_verifications_total{result} as exported on /q/metrics. */
    static double verifications(String result) {
        String text = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^tuneops_audit_verifications_total\\{[^}]*result=\"" + result
                + "\"[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), "tuneops_audit_verifications_total{result=" + result + "} is not exported:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
