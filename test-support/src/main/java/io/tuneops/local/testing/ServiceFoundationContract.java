package io.tuneops.local.testing;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every tuneops service guarantees, whatever it owns: its schema migrated by Flyway, health
 * probes backed by real PostgreSQL and Redis checks, Prometheus metrics, correlation ids and the
 * JSON error shape. Each service runs it as a {@code @QuarkusTest} subclass naming its schema.
 */
public abstract class ServiceFoundationContract {

    /** The PostgreSQL schema the service owns. */
    protected abstract String schema();

    @Test
    void flywayMigratedTheServiceSchemaAtStart() throws SQLException {
        var config = ConfigProvider.getConfig();
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = config.getValue("quarkus.datasource.username", String.class);
        String password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        try (Connection c = DriverManager.getConnection(url, user, password);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM " + schema()
                     + ".flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            assertTrue(rs.next(), "no migration recorded in " + schema());
            assertEquals("1", rs.getString("version"));
            assertTrue(rs.getBoolean("success"));
        }
    }

    @Test
    void readinessChecksPostgresAndRedis() {
        Response ready = RestAssured.get("/q/health/ready");
        ready.then().statusCode(200).body("status", equalTo("UP"));
        List<String> names = ready.jsonPath().getList("checks.name");
        assertTrue(names.stream().anyMatch(n -> n.toLowerCase().contains("postgresql")), "no PostgreSQL check in " + names);
        assertTrue(names.stream().anyMatch(n -> n.toLowerCase().contains("redis")), "no Redis check in " + names);
        assertTrue(ready.jsonPath().getList("checks.status").stream().allMatch("UP"::equals));
    }

    @Test
    void livenessAndStartupAnswer() {
        RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsArePrometheusText() {
        RestAssured.given().accept("text/plain; version=0.0.4").get("/q/metrics").then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("jvm_memory_used_bytes{area=\"heap\""));
    }

    @Test
    void aWellFormedCorrelationIdIsKept() {
        RestAssured.given().header("X-Correlation-ID", "abc-123.def:4")
                .get("/q/health/live").then().header("X-Correlation-ID", "abc-123.def:4");
    }

    @Test
    void aMissingOrHostileCorrelationIdIsReplaced() {
        RestAssured.get("/q/health/live").then().header("X-Correlation-ID", matchesPattern("[0-9a-f]{32}"));
        RestAssured.given().header("X-Correlation-ID", "x\"} injected {\"level\":\"FATAL")
                .get("/q/health/live").then().header("X-Correlation-ID", matchesPattern("[0-9a-f]{32}"));
        RestAssured.given().header("X-Correlation-ID", "a".repeat(129))
                .get("/q/health/live").then().header("X-Correlation-ID", matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void unknownRoutesAnswerTheJsonErrorShape() {
        // with the test admin key, so that the gateway's guard lets it reach the router's 404
        RestAssured.given().header("Authorization", "Bearer dev-and-test-only-admin-token-0123456789")
                .get("/no/such/route").then()
                .statusCode(404)
                .contentType(containsString("application/json"))
                .body("detail", equalTo("Not Found"));
    }
}
