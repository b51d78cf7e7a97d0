package io.tuneops.console;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every owner route the console calls, on one Vert.x server, answering in the owners' real JSON
 * (and storage's S3 XML): webhook-service's jobs and providers, storage-service's listing,
 * metrics-service's configuration and health, audit-service's trail, and the gateway's API keys;
 * {@link FakeGates} adds people, quotas, approvals and prices, {@link FakeNotifications} the notifications.
 * It keeps a little state (jobs, provider configurations, keys), records every request, and can
 * be told to answer one route with a scripted status and body, or not at all (an owner that hangs).
 */
public class FakeOwners implements QuarkusTestResourceLifecycleManager {

    /** One request as the fake received it. */
    public record Recorded(String method, String path, String query, MultiMap headers, String body) {
    }

    private record Scripted(int status, String body, boolean hang) {
    }

    private static volatile FakeOwners instance;

    private Vertx vertx;
    private HttpServer server;
    final Map<String, JsonObject> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, JsonObject> providers = new ConcurrentHashMap<>();
    final Map<String, JsonObject> keys = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Scripted> scripted = new ConcurrentHashMap<>();
    volatile JsonObject metricsConfig;
    volatile List<String> storedObjects = List.of();
    /** People, quotas, approvals and prices. */
    final FakeGates gates = new FakeGates();
    /** Notification channels, preferences and the delivery history. */
    final FakeNotifications notifications = new FakeNotifications();

    /** The fake of this test JVM (the test resource is global: one for every test class). */
    public static FakeOwners get() {
        return instance;
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.route().handler(this::record);
        routes(router);
        try {
            server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake owners did not start", e);
        }
        reset();
        instance = this;
        String url = "http://127.0.0.1:" + server.actualPort();
        return Map.of("tuneops.upstream.gateway", url, "tuneops.upstream.webhook", url,
                "tuneops.upstream.storage", url, "tuneops.upstream.metrics", url, "tuneops.upstream.audit", url);
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    /** Back to the starting state: two jobs, default provider configurations, one key, no scripts. */
    public void reset() {
        scripted.clear();
        requests.clear();
        jobs.clear();
        putJob(job("job_run1", "running", "generic").put("name", "lora-run").put("logs", "step 1\nstep 2 <b>bold</b>"));
        putJob(job("job_done1", "completed", "replicate").put("name", "finished-run").put("duration_seconds", 812.5)
                .put("cost_usd", 1.1375).put("output", "https://example.com/weights.tar"));
        providers.clear();
        providers.put("replicate", providerView("replicate"));
        providers.put("generic", providerView("generic"));
        keys.clear();
        keys.put("key_admin", new JsonObject().put("id", "key_admin").put("name", "bootstrap admin").put("prefix", "tok_abcd")
                .put("scopes", new JsonArray().add("admin")).put("created_at", "2026-11-01T00:00:00Z")
                .put("created_by", "bootstrap").putNull("expires_at").putNull("revoked_at").put("status", "active"));
        metricsConfig = new JsonObject().put("prometheus_enabled", false)
                .put("prometheus_categories", new JsonArray().add("jobs")).put("endpoint_url", "/api/cloud/metrics/prometheus")
                .putNull("updated_at");
        storedObjects = List.of("job_done1/checkpoint-500/model.safetensors", "job_done1/samples/a b.png");
        gates.reset();
        notifications.reset();
    }

    /** Answer {@code method path} with this status and JSON body until reset. */
    public void script(String method, String path, int status, String body) {
        scripted.put(method + " " + path, new Scripted(status, body, false));
    }

    /** Never answer {@code method path} (until reset): an owner that hangs. */
    public void hang(String method, String path) {
        scripted.put(method + " " + path, new Scripted(0, null, true));
    }

    public List<Recorded> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** The last request to {@code method path}; fails the test when there was none. */
    public Recorded last(String method, String path) {
        List<Recorded> sent = requests(method, path);
        if (sent.isEmpty()) {
            throw new AssertionError("nothing sent to " + method + " " + path);
        }
        return sent.get(sent.size() - 1);
    }

    /** The JSON body of the last request to {@code method path}. */
    public JsonObject lastBody(String method, String path) {
        return new JsonObject(last(method, path).body());
    }

    public void putJob(JsonObject job) {
        jobs.put(job.getString("job_id"), job);
    }

    /** n jobs, newest first, for the page-size test. */
    public void manyJobs(int n) {
        jobs.clear();
        for (int i = 0; i < n; i++) {
            putJob(job(String.format("job_%05d", i), i % 3 == 0 ? "running" : "completed", i % 2 == 0 ? "generic" : "replicate")
                    .put("name", "run " + i).put("duration_seconds", 60.0 + i).put("cost_usd", i * 0.01));
        }
    }

    static JsonObject job(String id, String status, String provider) {
        JsonObject job = new JsonObject();
        for (String field : List.of("job_id", "provider", "provider_job_id", "status", "provider_status", "name", "hardware",
                "version", "destination", "submitted_by", "idempotency_key", "created_at", "updated_at", "started_at",
                "completed_at", "duration_seconds", "cost_limit_warning", "logs", "output", "output_url", "error",
                "upload_progress")) {
            job.putNull(field);
        }
        return job.put("job_id", id).put("status", status).put("provider", provider).put("cost_usd", 0.0)
                .put("hardware", "gpu-a100").put("submitted_by", "key_operator").put("created_at", "2026-11-22T09:00:00Z")
                .put("updated_at", "2026-11-22T09:05:00Z");
    }

    static JsonObject providerView(String name) {
        return new JsonObject().put("provider", name).put("configured", false).put("webhook_allowed_ips", new JsonArray())
                .put("webhook_require_signature", true).putNull("ssl_verify").putNull("ssl_ca_bundle").putNull("proxy_url")
                .putNull("http_timeout").putNull("api_base_url").putNull("s3_endpoint_enabled").putNull("s3_public_url")
                .putNull("s3_output_path").put("webhook_secret_configured", false).put("api_token_configured", false)
                .putNull("cost_limit").putNull("hardware_prices").putNull("webhook_secret_source");
    }

    private void record(RoutingContext rc) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(rc.request().headers());
        requests.add(new Recorded(rc.request().method().name(), rc.request().path(), rc.request().query(), headers,
                rc.body() == null ? null : rc.body().asString()));
        Scripted script = scripted.get(rc.request().method().name() + " " + rc.request().path());
        if (script == null) {
            rc.next();
        } else if (!script.hang()) {
            rc.response().setStatusCode(script.status()).putHeader("Content-Type", "application/json").end(script.body());
        }
    }

    static void json(RoutingContext rc, int status, Object body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof JsonObject o ? o.encode() : body.toString());
    }

    static void detail(RoutingContext rc, int status, String detail) {
        json(rc, status, new JsonObject().put("detail", detail));
    }

    private void routes(Router router) {
        gates.register(router);
        notifications.register(router);
        // ---- webhook-service: jobs ----
        router.get("/api/cloud/jobs").handler(rc -> {
            String status = rc.request().getParam("status");
            String provider = rc.request().getParam("provider");
            int limit = Integer.parseInt(rc.request().getParam("limit", "50"));
            List<JsonObject> matching;
            synchronized (jobs) {
                matching = jobs.values().stream()
                        .filter(j -> status == null || status.equals(j.getString("status")))
                        .filter(j -> provider == null || provider.equals(j.getString("provider")))
                        .map(JsonObject::copy).toList();
            }
            int from = 0;
            String cursor = rc.request().getParam("cursor");
            if (cursor != null) {
                from = Integer.parseInt(cursor.substring("c".length()));
            }
            List<JsonObject> page = matching.subList(Math.min(from, matching.size()), Math.min(from + limit, matching.size()));
            JsonArray listed = new JsonArray();
            page.forEach(j -> listed.add(j.copy().putNull("upload_progress")));
            Object next = from + limit < matching.size() ? "c" + (from + limit) : null;
            json(rc, 200, new JsonObject().put("jobs", listed).put("total", matching.size()).put("limit", limit)
                    .put("offset", 0).put("next_cursor", next));
        });
        router.get("/api/cloud/jobs/:id").handler(rc -> {
            JsonObject job = jobs.get(rc.pathParam("id"));
            if (job == null) {
                detail(rc, 404, "Job '" + rc.pathParam("id") + "' not found");
            } else {
                json(rc, 200, job.copy().put("upload_progress", new JsonObject().put("objects", 2).put("bytes", 3_500_000)
                        .put("last_upload_at", "2026-11-22T09:04:00Z")));
            }
        });
        router.post("/api/cloud/jobs/submit").handler(rc -> {
            JsonObject body = rc.body().asJsonObject();
            String provider = body.getString("provider", "replicate");
            if ("replicate".equals(provider) && body.getString("version") == null) {
                json(rc, 400, new JsonObject().put("detail", "Invalid job").put("errors", new JsonArray()
                        .add(new JsonObject().put("field", "version")
                                .put("message", "required for replicate: the model version to train, owner/model:version_id"))
                        .add(new JsonObject().put("field", "destination")
                                .put("message", "required for replicate: the model to push the result to, owner/model"))));
                return;
            }
            String id = "job_new" + jobs.size();
            JsonObject job = job(id, "pending", provider).put("name", body.getString("name"))
                    .put("idempotency_key", body.getString("idempotency_key"));
            putJob(job);
            json(rc, 201, new JsonObject().put("job_id", id).put("status", "pending").put("provider", provider)
                    .putNull("provider_job_id").put("upload_credentials", new JsonObject().put("access_key_id", "TUNEABCDEFGHIJKLMNOP")
                            .put("secret_access_key", "s3cr3t-upload-key-0123456789").put("endpoint_url", "http://localhost:8080/api/cloud/storage")
                            .put("bucket", "outputs").put("prefix", id + "/").put("expires_at", "2026-11-29T09:00:00Z"))
                    .put("job", job));
        });
        router.post("/api/cloud/jobs/:id/cancel").handler(rc -> {
            JsonObject job = jobs.get(rc.pathParam("id"));
            if (job == null) {
                detail(rc, 404, "Job '" + rc.pathParam("id") + "' not found");
            } else if (List.of("completed", "failed", "cancelled").contains(job.getString("status"))) {
                json(rc, 409, new JsonObject().put("detail", "Job " + job.getString("job_id") + " is " + job.getString("status")
                        + " and can no longer be cancelled").put("status", job.getString("status")).put("job", job));
            } else {
                job.put("status", "cancelled");
                json(rc, 200, job);
            }
        });
        router.delete("/api/cloud/jobs/:id").handler(rc -> {
            JsonObject job = jobs.get(rc.pathParam("id"));
            if (job == null) {
                detail(rc, 404, "Job '" + rc.pathParam("id") + "' not found");
            } else if (!List.of("completed", "failed", "cancelled").contains(job.getString("status"))) {
                json(rc, 409, new JsonObject().put("detail", "Job " + job.getString("job_id") + " is " + job.getString("status")
                        + "; only finished jobs can be deleted (cancel it first)").put("status", job.getString("status")));
            } else {
                jobs.remove(rc.pathParam("id"));
                rc.response().setStatusCode(204).end();
            }
        });

        // ---- webhook-service: providers ----
        router.get("/api/cloud/providers").handler(rc -> json(rc, 200, new JsonObject().put("providers", new JsonArray()
                .add(new JsonObject().put("name", "replicate").put("display_name", "Replicate")
                        .put("configured", providers.get("replicate").getBoolean("configured")))
                .add(new JsonObject().put("name", "generic").put("display_name", "Generic (self-reported jobs)")
                        .put("configured", providers.get("generic").getBoolean("configured"))))));
        router.get("/api/cloud/providers/:p").handler(rc -> {
            JsonObject view = providers.get(rc.pathParam("p"));
            if (view == null) {
                detail(rc, 404, "Unknown provider '" + rc.pathParam("p") + "'; known: replicate, generic");
            } else {
                json(rc, 200, view);
            }
        });
        router.put("/api/cloud/providers/:p").handler(rc -> {
            JsonObject view = providers.get(rc.pathParam("p"));
            JsonObject change = rc.body().asJsonObject();
            JsonArray errors = new JsonArray();
            JsonArray ips = change.getJsonArray("webhook_allowed_ips", new JsonArray());
            List<String> bad = new ArrayList<>();
            for (int i = 0; i < ips.size(); i++) {
                if (!ips.getString(i).matches("[0-9.]+(/[0-9]{1,2})?|[0-9a-fA-F:]+(/[0-9]{1,3})?")) {
                    bad.add("[" + i + "] '" + ips.getString(i) + "'");
                }
            }
            if (!bad.isEmpty()) {
                errors.add(new JsonObject().put("field", "webhook_allowed_ips").put("message",
                        "not IP addresses or CIDR blocks (e.g. 10.0.0.0/8, 1.2.3.4/32, 2001:db8::/32): " + String.join(", ", bad)));
            }
            if (change.containsKey("proxy_url") && change.getString("proxy_url") != null
                    && !change.getString("proxy_url").startsWith("http")) {
                errors.add(new JsonObject().put("field", "proxy_url").put("message", "must be an http:// or https:// URL"));
            }
            if (!errors.isEmpty()) {
                json(rc, 400, new JsonObject().put("detail", "Invalid provider configuration").put("errors", errors));
                return;
            }
            for (String field : change.fieldNames()) {
                switch (field) {
                    case "webhook_secret" -> view.put("webhook_secret_configured", change.getValue(field) != null)
                            .put("webhook_secret_source", change.getValue(field) != null ? "api" : null);
                    case "api_token" -> view.put("api_token_configured", change.getValue(field) != null);
                    case "webhook_allowed_ips" -> view.put(field, change.getValue(field) == null ? new JsonArray() : change.getValue(field));
                    default -> view.put(field, change.getValue(field));
                }
            }
            view.put("configured", true);
            json(rc, 200, view);
        });

        // ---- storage-service: a job's outputs ----
        router.get("/api/cloud/storage/outputs").handler(rc -> {
            String prefix = rc.request().getParam("prefix", "");
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>outputs</Name><Prefix>")
                    .append(prefix).append("</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
            for (String key : storedObjects) {
                if (key.startsWith(prefix)) {
                    xml.append("<Contents><Key>").append(key).append("</Key><LastModified>2026-11-22T09:04:00.000Z</LastModified>")
                            .append("<ETag>\"abc\"</ETag><Size>1750000</Size><StorageClass>STANDARD</StorageClass></Contents>");
                }
            }
            xml.append("</ListBucketResult>");
            rc.response().putHeader("Content-Type", "application/xml").end(xml.toString());
        });

        // ---- metrics-service ----
        router.get("/api/cloud/metrics/config").handler(rc -> json(rc, 200, metricsConfig));
        router.put("/api/cloud/metrics/config").handler(rc -> {
            JsonObject change = rc.body().asJsonObject();
            for (Object c : change.getJsonArray("prometheus_categories", new JsonArray())) {
                if (!List.of("jobs", "http", "rate_limits", "approvals", "audit", "health", "circuit_breakers", "provider").contains(c)) {
                    json(rc, 400, new JsonObject().put("detail", "Invalid metrics configuration; valid categories: jobs, http")
                            .put("errors", new JsonArray().add(new JsonObject().put("field", "prometheus_categories")
                                    .put("message", "unknown category '" + c + "'"))));
                    return;
                }
            }
            metricsConfig = metricsConfig.copy().mergeIn(change).put("updated_at", Instant.now().toString());
            json(rc, 200, metricsConfig);
        });
        router.get("/api/cloud/metrics/config/categories").handler(rc -> json(rc, 200, new JsonObject().put("categories",
                new JsonArray().add(category("jobs", "Jobs")).add(category("http", "HTTP")).add(category("health", "Health")))));
        router.get("/api/cloud/metrics/config/templates").handler(rc -> json(rc, 200, new JsonObject().put("templates",
                new JsonArray().add(new JsonObject().put("id", "minimal").put("name", "Minimal").put("description", "Jobs only")
                                .put("categories", new JsonArray().add("jobs")))
                        .add(new JsonObject().put("id", "standard").put("name", "Standard").put("description", "Recommended")
                                .put("categories", new JsonArray().add("jobs").add("http").add("health"))))));
        router.post("/api/cloud/metrics/config/templates/:name").handler(rc -> {
            if (!List.of("minimal", "standard").contains(rc.pathParam("name"))) {
                detail(rc, 404, "Template not found: " + rc.pathParam("name") + "; known: minimal, standard");
                return;
            }
            JsonArray categories = "minimal".equals(rc.pathParam("name")) ? new JsonArray().add("jobs")
                    : new JsonArray().add("jobs").add("http").add("health");
            metricsConfig = metricsConfig.copy().put("prometheus_enabled", true).put("prometheus_categories", categories);
            json(rc, 200, metricsConfig);
        });
        router.get("/api/cloud/metrics/config/preview").handler(rc -> {
            List<String> categories = rc.queryParam("categories");
            json(rc, 200, new JsonObject().put("content", "# HELP simpletuner_jobs_total Jobs\nsimpletuner_jobs_total 2\n")
                    .put("metric_count", 1).put("categories_used", new JsonArray(categories.isEmpty() ? List.of("jobs") : categories)));
        });
        router.get("/api/cloud/health").handler(rc -> {
            JsonArray components = new JsonArray()
                    .add(new JsonObject().put("name", "database").put("status", "healthy").put("latency_ms", 1.2))
                    .add(new JsonObject().put("name", "redis").put("status", "healthy").put("latency_ms", 0.4));
            if ("true".equals(rc.request().getParam("include_providers"))) {
                components.add(new JsonObject().put("name", "provider:replicate").put("status", "unhealthy").put("latency_ms", 250.0)
                        .put("message", "HTTP 401 from the provider"));
            }
            json(rc, 200, new JsonObject().put("status", "healthy").put("version", "0.1.0").put("uptime_seconds", 12.5)
                    .put("timestamp", "2026-11-22T09:00:00Z").put("components", components));
        });

        // ---- audit-service ----
        router.get("/api/audit/types").handler(rc -> json(rc, 200, new JsonObject().put("types", new JsonArray()
                .add(new JsonObject().put("type", "job.submitted").put("source", "webhook-service").put("description", "a job"))
                .add(new JsonObject().put("type", "webhook_rejected").put("source", "gateway-service").put("description", "x")))));
        router.get("/api/audit").handler(rc -> {
            String since = rc.request().getParam("since");
            if (since != null && !since.matches("\\d{4}-.*")) {
                json(rc, 400, new JsonObject().put("detail", "Invalid parameter since: '" + since + "' is not an ISO 8601 time")
                        .put("errors", new JsonArray().add(new JsonObject().put("field", "since")
                                .put("message", "'" + since + "' is not an ISO 8601 time (e.g. 2026-01-15T10:30:00Z)"))));
                return;
            }
            JsonArray entries = new JsonArray().add(new JsonObject().put("id", "evt_1").put("seq", 7).put("time", "2026-11-22T09:00:00Z")
                    .put("type", "job.submitted").put("actor", "key_operator").put("actor_ip", "10.0.0.5").put("target_type", "job")
                    .put("target_id", "job_run1").put("action", "submit").put("details", new JsonObject().put("provider", "generic"))
                    .put("entry_hash", "ab12"));
            json(rc, 200, new JsonObject().put("entries", entries).put("total", 1).put("has_more", true).put("next_cursor", "czo3"));
        });
        router.get("/api/audit/verify").handler(rc -> json(rc, 200, new JsonObject().put("valid", true).put("entries_checked", 7)
                .put("from_seq", 1).put("to_seq", 7).putNull("first_broken_link").put("head_hash", "ab12")));

        // ---- gateway-service: API keys ----
        router.get("/api/auth/api-keys").handler(rc -> {
            JsonArray list = new JsonArray();
            synchronized (keys) {
                keys.values().forEach(list::add);
            }
            json(rc, 200, new JsonObject().put("api_keys", list));
        });
        router.post("/api/auth/api-keys").handler(rc -> {
            JsonObject body = rc.body().asJsonObject();
            String name = body.getString("name", "");
            if (!name.matches("[\\p{L}\\p{N} ._:@/-]{1,100}")) {
                json(rc, 400, new JsonObject().put("detail", "Invalid API key request").put("errors", new JsonArray()
                        .add(new JsonObject().put("field", "name").put("message", "1 to 100 letters, digits, spaces or ._:@/-"))));
                return;
            }
            String id = "key_" + (keys.size() + 1);
            keys.put(id, new JsonObject().put("id", id).put("name", name).put("prefix", "tok_wxyz")
                    .put("scopes", body.getJsonArray("scopes")).put("created_at", "2026-11-22T09:00:00Z").put("created_by", "key_admin")
                    .putNull("expires_at").putNull("revoked_at").put("status", "active"));
            json(rc, 201, new JsonObject().put("id", id).put("name", name).put("scopes", body.getJsonArray("scopes"))
                    .put("created_at", "2026-11-22T09:00:00Z").putNull("expires_at").put("key", "tok_wxyz_the-new-secret-key"));
        });
        router.delete("/api/auth/api-keys/:id").handler(rc -> {
            JsonObject key = keys.get(rc.pathParam("id"));
            if (key == null || "revoked".equals(key.getString("status"))) {
                detail(rc, 404, "No active API key " + rc.pathParam("id"));
            } else {
                key.put("status", "revoked").put("revoked_at", "2026-11-22T10:00:00Z");
                rc.response().setStatusCode(204).end();
            }
        });
    }

    private static JsonObject category(String id, String name) {
        return new JsonObject().put("id", id).put("name", name).put("description", name + " figures")
                .put("metrics", new JsonArray().add("simpletuner_" + id + "_total"));
    }
}
