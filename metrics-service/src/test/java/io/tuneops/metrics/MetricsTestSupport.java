package io.tuneops.metrics;

import io.quarkus.redis.datasource.RedisDataSource;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.Map;

/**
 * Shared state of the metrics tests: the export configuration back at its default, the gateway's
 * traffic counters emptied, the fake owners serving the agreed figures and every service ready.
 */
abstract class MetricsTestSupport {

    static final String JOB_FIGURES = """
            {"jobs_total": 12, "jobs_by_status": {"pending":0,"queued":1,"running":2,"completed":7,"failed":1,"cancelled":1},
             "jobs_active": 3, "cost_usd_total": 4.25, "job_duration_seconds_avg": 812.5,
             "circuit_breakers": {"replicate": {"state": "closed", "failures": 0}},
             "providers": {"replicate": {"cost_limit_percent_used": 12.5, "credit_balance": null}},
             "approvals": {"requests_pending": 3,
                           "requests_by_status": {"pending":3,"approved":25,"rejected":2,"cancelled":1,"expired":4}}}""";
    static final String AUDIT_FIGURES = """
            {"entries_total": 1500, "entries_24h": 120,
             "entries_by_type": {"config.changed": 3, "webhook_rejected": 1497}, "chain_head_seq": 1600}""";

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void defaults() {
        pool.query("UPDATE metrics.export_config SET prometheus_enabled = false, "
                + "prometheus_categories = ARRAY['jobs', 'http', 'health'], updated_by = NULL").execute()
                .await().indefinitely();
        var keys = redis.key().keys("tuneops:metrics:*");
        if (!keys.isEmpty()) {
            redis.key().del(keys.toArray(String[]::new));
        }
        FakeServicesResource.FIGURES.put(FakeServicesResource.JOBS, JOB_FIGURES);
        FakeServicesResource.FIGURES.put(FakeServicesResource.AUDIT, AUDIT_FIGURES);
        FakeServicesResource.FIGURES_STATUS.clear();
        FakeServicesResource.FIGURES_CALLS.clear();
    }

    @AfterEach
    void allReady() {
        FakeServicesResource.STATUS.replaceAll((service, status) -> 200);
        FakeServicesResource.FIGURES_STATUS.clear();
    }

    /** A request as the gateway forwards it for an authenticated key. */
    static RequestSpecification as(String actor, String scopes) {
        return RestAssured.given()
                .header("X-Tuneops-Gateway-Secret", FakeServicesResource.INTERNAL_SECRET)
                .header("X-Tuneops-Actor", actor)
                .header("X-Tuneops-Scopes", scopes)
                .header("X-Tuneops-Client-IP", "203.0.113.7");
    }

    static RequestSpecification asAdmin() {
        return as("key:admin-1", "admin");
    }

    static RequestSpecification asViewer() {
        return as("key:viewer-1", "viewer");
    }

    static void configure(boolean enabled, String... categories) {
        asAdmin().contentType("application/json")
                .body(Map.of("prometheus_enabled", enabled, "prometheus_categories", categories))
                .put("/api/cloud/metrics/config").then().statusCode(200);
    }

    static String scrape() {
        return RestAssured.get("/api/cloud/metrics/prometheus").then().statusCode(200)
                .contentType("text/plain; version=0.0.4; charset=utf-8").extract().asString();
    }
}
