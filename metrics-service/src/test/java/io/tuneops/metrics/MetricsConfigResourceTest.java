package io.tuneops.metrics;

import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.metrics.service.MetricCatalog;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = FakeServicesResource.class, scope = TestResourceScope.GLOBAL)
class MetricsConfigResourceTest extends MetricsTestSupport {

    @Test
    void disabledByDefaultWithTheStandardCategoriesPreselected() {
        asViewer().get("/api/cloud/metrics/config").then().statusCode(200)
                .body("prometheus_enabled", equalTo(false))
                .body("prometheus_categories", equalTo(List.of("jobs", "http", "health")))
                .body("tensorboard_enabled", equalTo(false))
                .body("endpoint_url", equalTo("/api/cloud/metrics/prometheus"));
    }

    @Test
    void theOriginalsMetricsConfigPathIsTheSameConfiguration() {
        asAdmin().contentType("application/json").body("{\"prometheus_categories\": [\"audit\", \"jobs\"]}")
                .put("/api/metrics/config").then().statusCode(200)
                .body("prometheus_categories", equalTo(List.of("jobs", "audit")))
                .body("tensorboard_enabled", equalTo(false));
        asViewer().get("/api/cloud/metrics/config").then().statusCode(200)
                .body("prometheus_categories", equalTo(List.of("jobs", "audit")));
        asAdmin().post("/api/metrics/config/apply-template/minimal").then().statusCode(200)
                .body("prometheus_enabled", equalTo(true)).body("prometheus_categories", equalTo(List.of("jobs")));
        asViewer().get("/api/metrics/config").then().statusCode(200)
                .body("prometheus_enabled", equalTo(true)).body("prometheus_categories", equalTo(List.of("jobs")));
        asViewer().get("/api/metrics/config/templates").then().statusCode(200).body("templates.id",
                equalTo(List.of("minimal", "standard", "security", "full")));
        asViewer().get("/api/metrics/config/categories").then().statusCode(200).body("categories", hasSize(8));
        asViewer().contentType("application/json").body("[\"jobs\"]").post("/api/metrics/config/preview").then()
                .statusCode(200).body("categories_used", equalTo(List.of("jobs")));
        // the same refusals as under /api/cloud
        asAdmin().contentType("application/json").body("{\"prometheus_categories\": [\"gpu\"]}")
                .put("/api/metrics/config").then().statusCode(400)
                .body("errors[0].field", equalTo("prometheus_categories[0]"));
        asAdmin().post("/api/metrics/config/apply-template/nope").then().statusCode(404);
        String scrape = RestAssured.get("/api/metrics/prometheus").then().statusCode(200)
                .contentType("text/plain; version=0.0.4; charset=utf-8").extract().asString();
        assertEquals(scrape(), scrape);
        assertTrue(scrape.contains("simpletuner_jobs_total 12"), scrape);
    }

    @Test
    void theGuidesPutIsStoredAndReadBack() {
        asAdmin().contentType("application/json")
                .body("{\"prometheus_enabled\": true, \"prometheus_categories\": [\"health\", \"jobs\", \"http\", \"jobs\"]}")
                .put("/api/cloud/metrics/config").then().statusCode(200)
                .body("prometheus_enabled", equalTo(true))
                .body("prometheus_categories", equalTo(List.of("jobs", "http", "health")));
        asViewer().get("/api/cloud/metrics/config").then().statusCode(200)
                .body("prometheus_enabled", equalTo(true))
                .body("prometheus_categories", equalTo(List.of("jobs", "http", "health")));
        // a partial change keeps the other field
        asAdmin().contentType("application/json").body("{\"prometheus_categories\": [\"audit\"]}")
                .put("/api/cloud/metrics/config").then().statusCode(200)
                .body("prometheus_enabled", equalTo(true))
                .body("prometheus_categories", equalTo(List.of("audit")));
        // stored in PostgreSQL, not in this replica's memory
        var row = pool.query("SELECT prometheus_enabled, prometheus_categories, updated_by FROM metrics.export_config")
                .execute().await().indefinitely().iterator().next();
        assertTrue(row.getBoolean(0));
        assertEquals(List.of("audit"), List.of(row.getArrayOfStrings(1)));
        assertEquals("key:admin-1", row.getString(2));
    }

    @Test
    void anUnknownCategoryIsA400ListingTheValidOnesAndChangesNothing() {
        JsonPath body = asAdmin().contentType("application/json")
                .body("{\"prometheus_enabled\": true, \"prometheus_categories\": [\"jobs\", \"gpu\", 7]}")
                .put("/api/cloud/metrics/config").then().statusCode(400)
                .body("detail", containsString("valid categories: jobs, http, rate_limits, approvals, audit, health, "
                        + "circuit_breakers, provider"))
                .body("errors", hasSize(2))
                .body("errors[0].field", equalTo("prometheus_categories[1]"))
                .body("errors[0].message", containsString("unknown category 'gpu'"))
                .body("errors[0].message", containsString("valid: jobs, http, rate_limits"))
                .body("errors[1].field", equalTo("prometheus_categories[2]"))
                .extract().jsonPath();
        assertEquals(2, body.getList("errors").size());
        asViewer().get("/api/cloud/metrics/config").then().body("prometheus_enabled", equalTo(false));
    }

    @Test
    void wrongTypesUnknownFieldsAndNonObjectsAre400s() {
        asAdmin().contentType("application/json").body("{\"prometheus_enabled\": \"yes\"}")
                .put("/api/cloud/metrics/config").then().statusCode(400)
                .body("errors[0].field", equalTo("prometheus_enabled"));
        asAdmin().contentType("application/json").body("{\"prometheus_categories\": \"jobs\"}")
                .put("/api/cloud/metrics/config").then().statusCode(400)
                .body("errors[0].field", equalTo("prometheus_categories"));
        asAdmin().contentType("application/json").body("{\"prometheus_enable\": true}")
                .put("/api/cloud/metrics/config").then().statusCode(400)
                .body("errors[0].field", equalTo("prometheus_enable"))
                .body("errors[0].message", containsString("unknown field"));
        asAdmin().contentType("application/json").body("[\"jobs\"]")
                .put("/api/cloud/metrics/config").then().statusCode(400).body("detail", startsWith("A JSON object"));
        asAdmin().contentType("application/json").body("{not json")
                .put("/api/cloud/metrics/config").then().statusCode(400).body("detail", equalTo("The request body is not JSON"));
        asViewer().get("/api/cloud/metrics/config").then().body("prometheus_enabled", equalTo(false));
    }

    @Test
    void categoriesListIdsDescriptionsAndMetricNames() {
        JsonPath body = asViewer().get("/api/cloud/metrics/config/categories").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("jobs", "http", "rate_limits", "approvals", "audit", "health", "circuit_breakers", "provider"),
                body.getList("categories.id"));
        assertEquals(List.of("simpletuner_jobs_total", "simpletuner_jobs_by_status", "simpletuner_jobs_active",
                "simpletuner_cost_usd_total", "simpletuner_job_duration_seconds_avg"), body.getList("categories[0].metrics"));
        assertEquals("Job counts, status, queue depth, costs", body.getString("categories[0].description"));
        assertTrue(body.getList("categories[5].metrics").contains("simpletuner_uptime_seconds"));
    }

    @Test
    void templatesAreTheGuidesTable() {
        JsonPath body = asViewer().get("/api/cloud/metrics/config/templates").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("minimal", "standard", "security", "full"), body.getList("templates.id"));
        assertEquals(List.of("jobs"), body.getList("templates[0].categories"));
        assertEquals(List.of("jobs", "http", "health"), body.getList("templates[1].categories"));
        assertEquals(List.of("jobs", "http", "rate_limits", "audit", "approvals"), body.getList("templates[2].categories"));
        assertEquals(MetricCatalog.categoryIds(), body.getList("templates[3].categories"));
    }

    @Test
    void applyingATemplateEnablesTheExportWithItsCategoriesOnBothPaths() {
        asAdmin().post("/api/cloud/metrics/config/templates/security").then().statusCode(200)
                .body("prometheus_enabled", equalTo(true))
                .body("prometheus_categories", equalTo(List.of("jobs", "http", "rate_limits", "approvals", "audit")));
        asAdmin().post("/api/cloud/metrics/config/apply-template/minimal").then().statusCode(200)
                .body("prometheus_categories", equalTo(List.of("jobs")));
        asViewer().get("/api/cloud/metrics/config").then()
                .body("prometheus_enabled", equalTo(true))
                .body("prometheus_categories", equalTo(List.of("jobs")));
    }

    @Test
    void anUnknownTemplateIs404() {
        asAdmin().post("/api/cloud/metrics/config/templates/everything").then().statusCode(404)
                .body("detail", containsString("Template not found: everything"))
                .body("detail", containsString("minimal, standard, security, full"));
        asAdmin().post("/api/cloud/metrics/config/apply-template/everything").then().statusCode(404);
        asViewer().get("/api/cloud/metrics/config").then().body("prometheus_enabled", equalTo(false));
    }

    @Test
    void previewRendersTheAskedCategoriesAndLeavesTheConfigurationAlone() {
        String before = asViewer().get("/api/cloud/metrics/config").asString();

        JsonPath get = asViewer().get("/api/cloud/metrics/config/preview?categories=jobs&categories=health")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("jobs", "health"), get.getList("categories_used"));
        var families = PrometheusTextParser.parse(get.getString("content"));
        assertTrue(families.containsKey("simpletuner_jobs_total"));
        assertTrue(families.containsKey("simpletuner_uptime_seconds"));
        assertTrue(!families.containsKey("simpletuner_http_requests_total"));
        assertEquals((int) families.values().stream().mapToLong(f -> f.samples().size()).sum(), get.getInt("metric_count"));

        JsonPath post = asAdmin().contentType("application/json").body("[\"audit\", \"approvals\"]")
                .post("/api/cloud/metrics/config/preview").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("approvals", "audit"), post.getList("categories_used"));
        assertTrue(post.getString("content").contains("simpletuner_audit_log_entries_total 1600"));

        asViewer().get("/api/cloud/metrics/config/preview?categories=jobs,gpu").then().statusCode(400)
                .body("errors[0].message", containsString("unknown category 'gpu'"));
        asAdmin().contentType("application/json").body("{\"x\": 1}").post("/api/cloud/metrics/config/preview")
                .then().statusCode(400);

        // nothing given: the configured categories, even while the export is disabled
        asViewer().get("/api/cloud/metrics/config/preview").then().statusCode(200)
                .body("categories_used", equalTo(List.of("jobs", "http", "health")));

        assertEquals(before, asViewer().get("/api/cloud/metrics/config").asString());
        RestAssured.get("/api/cloud/metrics/prometheus").then().statusCode(200)
                .body(startsWith("# Prometheus export is disabled"));
    }

    @Test
    void everyChangeIsAuditedWithTheGatewaysIdentity() {
        String last = lastEventId();
        configure(true, "jobs", "audit");
        asAdmin().post("/api/cloud/metrics/config/templates/full").then().statusCode(200);
        asAdmin().contentType("application/json").body("{\"prometheus_categories\": [\"gpu\"]}")
                .put("/api/cloud/metrics/config").then().statusCode(400);
        asViewer().get("/api/cloud/metrics/config/preview?categories=jobs").then().statusCode(200);

        List<JsonObject> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of(
                        last == null ? "-" : "(" + last, "+")).stream()
                .map(StreamMessage::payload).map(p -> new JsonObject(p.get("event"))).toList();
        assertEquals(2, events.size(), "one event per change, none for a refused change or a preview: " + events);
        JsonObject put = events.get(0);
        assertEquals("config.changed", put.getString("type"));
        assertEquals("key:admin-1", put.getString("actor"));
        assertEquals("203.0.113.7", put.getString("actor_ip"));
        assertEquals("metrics_config", put.getString("target_type"));
        assertEquals("update", put.getString("action"));
        assertEquals(Map.of("prometheus_enabled", false, "prometheus_categories", List.of("jobs", "http", "health")),
                put.getJsonObject("details").getJsonObject("before").getMap());
        assertEquals(Map.of("prometheus_enabled", true, "prometheus_categories", List.of("jobs", "audit")),
                put.getJsonObject("details").getJsonObject("after").getMap());
        JsonObject template = events.get(1);
        assertEquals("apply_template", template.getString("action"));
        assertEquals("full", template.getJsonObject("details").getString("template"));
        assertEquals(MetricCatalog.categoryIds(), template.getJsonObject("details").getJsonObject("after")
                .getJsonArray("prometheus_categories").getList());
    }

    @Test
    void aChangeWithoutTheGatewaysWordIsRefusedAndChangesNothing() {
        RestAssured.given().contentType("application/json").body("{\"prometheus_enabled\": true}")
                .put("/api/cloud/metrics/config").then().statusCode(401);
        var row = pool.query("SELECT prometheus_enabled, updated_by FROM metrics.export_config").execute()
                .await().indefinitely().iterator().next();
        assertEquals(false, row.getBoolean(0));
        assertEquals(null, row.getString(1));
        asViewer().get("/api/cloud/metrics/config/categories").then().body("categories.id", hasItem("provider"));
    }

    private String lastEventId() {
        var last = redis.stream(String.class).xrevrange("tuneops:audit:events", StreamRange.of("+", "-"), 1);
        return last.isEmpty() ? null : last.get(0).id();
    }
}
