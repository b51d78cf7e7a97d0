package io.tuneops.audit;

import io.restassured.RestAssured;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the audit tests share: a statement run straight on PostgreSQL (tampering), and the verification counts. */
final class AuditTestSupport {

    private AuditTestSupport() {
    }

    /** Runs one statement over JDBC, as someone with database access (not through the service). */
    static void sql(String statement) throws SQLException {
        var config = ConfigProvider.getConfig();
        try (Connection c = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
             Statement st = c.createStatement()) {
            assertNotEquals(-1, st.executeUpdate(statement));
        }
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
