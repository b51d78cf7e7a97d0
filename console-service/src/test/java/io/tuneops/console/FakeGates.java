package io.tuneops.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owners' routes of people, quotas, approvals and prices, as FakeOwners serves them: the
 * gateway's users and organisations with teams and members, webhook-service's quotas with the
 * caller's usage, approval requests and rules, hardware options and the cost estimate. A little
 * state, in the owners' real JSON.
 */
final class FakeGates {

    final Map<String, JsonObject> users = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, JsonObject> teams = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, JsonObject> quotas = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, JsonObject> requests = Collections.synchronizedMap(new LinkedHashMap<>());

    void reset() {
        users.clear();
        users.put("usr_ada", user("usr_ada", "ada", "admin", List.of("team_ml")));
        users.put("usr_bob", user("usr_bob", "bob", "operator", List.of()));
        teams.clear();
        teams.put("team_ml", new JsonObject().put("id", "team_ml").put("org_id", "org_acme").put("name", "ML research")
                .put("slug", "ml").put("created_at", "2026-11-01T00:00:00Z"));
        quotas.clear();
        quotas.put("quota_1", new JsonObject().put("id", "quota_1").put("quota_type", "concurrent_jobs").put("limit_value", 3.0)
                .put("action", "block").put("scope", "team").putNull("org_id").put("team_id", "team_ml").putNull("user_id")
                .put("created_at", "2026-11-01T00:00:00Z").put("created_by", "user:ada"));
        requests.clear();
        requests.put("apr_1", request("apr_1", "job_held1", 4.5));
        requests.put("apr_2", request("apr_2", "job_held2", 12.0));
    }

    static JsonObject user(String id, String username, String role, List<String> teams) {
        return new JsonObject().put("id", id).put("username", username).put("display_name", username.toUpperCase())
                .put("email", username + "@example.com").put("role", role).put("is_active", true).put("org_id", "org_acme")
                .put("team_ids", new JsonArray(new ArrayList<>(teams))).put("created_at", "2026-11-01T00:00:00Z").putNull("last_login_at");
    }

    static JsonObject request(String id, String jobId, double cost) {
        return new JsonObject().put("id", id).put("job_id", jobId).put("user_id", "usr_bob").put("rule_id", "rule_cost")
                .put("status", "pending").put("reason", "Estimated cost above $1.00").put("provider", "replicate")
                .put("config_name", "lora").put("estimated_cost", cost).put("hardware_type", "gpu-h100").putNull("reviewed_by")
                .putNull("reviewed_at").putNull("review_notes").put("created_at", "2026-11-22T09:00:00Z")
                .put("expires_at", "2026-11-23T09:00:00Z");
    }

    void register(Router router) {
        people(router);
        quotaRoutes(router);
        approvals(router);
        prices(router);
    }

    private void people(Router router) {
        router.get("/api/users").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("users", values(users))));
        router.get("/api/users/:id").handler(rc -> {
            JsonObject user = users.get(rc.pathParam("id"));
            if (user == null) {
                FakeOwners.detail(rc, 404, "No user " + rc.pathParam("id"));
            } else {
                FakeOwners.json(rc, 200, user);
            }
        });
        router.post("/api/users").handler(rc -> {
            JsonObject body = rc.body().asJsonObject();
            String username = body.getString("username", "");
            if (!username.matches("[a-z0-9._-]{2,64}")) {
                FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid user").put("errors", new JsonArray()
                        .add(new JsonObject().put("field", "username").put("message", "2 to 64 lower-case letters, digits or ._-"))));
                return;
            }
            JsonObject user = user("usr_" + username, username, body.getString("role", "viewer"), List.of());
            users.put(user.getString("id"), user);
            FakeOwners.json(rc, 201, user);
        });
        router.patch("/api/users/:id").handler(rc -> {
            JsonObject user = users.get(rc.pathParam("id"));
            JsonObject change = rc.body().asJsonObject();
            if ("owner".equals(change.getString("role"))) {
                FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid change").put("errors", new JsonArray()
                        .add(new JsonObject().put("field", "role").put("message", "one of viewer, operator, admin"))));
                return;
            }
            change.fieldNames().stream().filter(f -> !f.equals("password")).forEach(f -> user.put(f, change.getValue(f)));
            FakeOwners.json(rc, 200, user);
        });
        router.delete("/api/users/:id").handler(rc -> {
            JsonObject user = users.get(rc.pathParam("id"));
            if (user == null) {
                FakeOwners.detail(rc, 404, "No user " + rc.pathParam("id"));
                return;
            }
            user.put("is_active", false);
            rc.response().setStatusCode(204).end();
        });
        router.get("/api/orgs").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("organizations", new JsonArray()
                .add(new JsonObject().put("id", "org_acme").put("name", "Acme").put("slug", "acme")
                        .put("created_at", "2026-11-01T00:00:00Z")))));
        router.post("/api/orgs").handler(rc -> FakeOwners.json(rc, 201, new JsonObject().put("id", "org_new")
                .put("name", rc.body().asJsonObject().getString("name")).put("slug", "new").put("created_at", "2026-11-22T09:00:00Z")));
        router.get("/api/orgs/:org/teams").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("teams",
                new JsonArray(values(teams).stream().map(JsonObject.class::cast)
                        .filter(t -> t.getString("org_id").equals(rc.pathParam("org"))).toList()))));
        router.post("/api/orgs/:org/teams").handler(rc -> {
            String name = rc.body().asJsonObject().getString("name");
            if (name == null) {
                FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid team").put("errors", new JsonArray()
                        .add(new JsonObject().put("field", "name").put("message", "required"))));
                return;
            }
            JsonObject team = new JsonObject().put("id", "team_new").put("org_id", rc.pathParam("org")).put("name", name)
                    .put("slug", "new").put("created_at", "2026-11-22T09:00:00Z");
            teams.put("team_new", team);
            FakeOwners.json(rc, 201, team);
        });
        router.get("/api/orgs/:org/teams/:team/members").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("members",
                new JsonArray(values(users).stream().map(JsonObject.class::cast)
                        .filter(u -> u.getJsonArray("team_ids").contains(rc.pathParam("team"))).toList()))));
        router.post("/api/orgs/:org/teams/:team/members").handler(rc -> {
            JsonObject user = users.get(rc.body().asJsonObject().getString("user_id"));
            if (user == null) {
                FakeOwners.detail(rc, 404, "No user " + rc.body().asJsonObject().getString("user_id"));
                return;
            }
            user.getJsonArray("team_ids").add(rc.pathParam("team"));
            FakeOwners.json(rc, 201, new JsonObject().put("team_id", rc.pathParam("team")).put("user_id", user.getString("id")));
        });
        router.delete("/api/orgs/:org/teams/:team/members/:user").handler(rc -> {
            JsonObject user = users.get(rc.pathParam("user"));
            user.getJsonArray("team_ids").remove(rc.pathParam("team"));
            rc.response().setStatusCode(204).end();
        });
    }

    private void quotaRoutes(Router router) {
        router.get("/api/quotas").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("quotas", values(quotas))));
        router.get("/api/quotas/types").handler(rc -> FakeOwners.json(rc, 200, new JsonObject()
                .put("types", new JsonArray()
                        .add(new JsonObject().put("id", "concurrent_jobs").put("name", "Concurrent jobs").put("description", "x")
                                .put("unit", "jobs"))
                        .add(new JsonObject().put("id", "cost_daily").put("name", "Daily cost").put("description", "y")
                                .put("unit", "USD")))
                .put("actions", new JsonArray().add("block").add("warn").add("require_approval"))
                .put("scopes", new JsonArray().add("global").add("org").add("team").add("user"))));
        router.get("/api/quotas/status").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("user_id", "usr_bob")
                .put("statuses", new JsonArray().add(new JsonObject().put("quota_type", "concurrent_jobs").put("limit", 3.0)
                        .put("current", 3.0).put("action", "block").put("is_exceeded", true).put("is_warning", false)
                        .put("percent_used", 100.0).put("message", "3 of 3 concurrent jobs").put("source", "team:team_ml")))
                .put("can_submit", false).put("blocking_reasons", new JsonArray().add("concurrent_jobs: 3 of 3 (team:team_ml)"))));
        router.post("/api/quotas").handler(rc -> {
            JsonObject body = rc.body().asJsonObject();
            if (body.containsKey("team_id") && !"team_ml".equals(body.getString("team_id"))) {
                FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid quota").put("errors", new JsonArray()
                        .add(new JsonObject().put("field", "team_id").put("message", "no such team"))));
                return;
            }
            JsonObject quota = body.copy().put("id", "quota_new").put("created_at", "2026-11-22T09:00:00Z")
                    .put("created_by", "user:ada").put("scope", body.containsKey("team_id") ? "team"
                            : body.containsKey("org_id") ? "org" : body.containsKey("user_id") ? "user" : "global");
            quotas.put("quota_new", quota);
            FakeOwners.json(rc, 201, quota);
        });
        router.delete("/api/quotas/:id").handler(rc -> {
            if (quotas.remove(rc.pathParam("id")) == null) {
                FakeOwners.detail(rc, 404, "No quota " + rc.pathParam("id"));
            } else {
                rc.response().setStatusCode(204).end();
            }
        });
    }

    private void approvals(Router router) {
        router.get("/api/approvals/requests").handler(rc -> {
            String status = rc.request().getParam("status");
            JsonArray listed = new JsonArray(values(requests).stream().map(JsonObject.class::cast)
                    .filter(r -> status == null || status.equals(r.getString("status"))).toList());
            long pending = values(requests).stream().map(JsonObject.class::cast)
                    .filter(r -> "pending".equals(r.getString("status"))).count();
            FakeOwners.json(rc, 200, new JsonObject().put("requests", listed).put("pending_count", pending));
        });
        router.get("/api/approvals/rules").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("rules", new JsonArray()
                .add(new JsonObject().put("id", "rule_cost").put("name", "Expensive jobs").put("description", "over a dollar")
                        .put("condition", "cost_exceeds").put("threshold", "1.00").put("is_active", true).put("priority", 10)
                        .putNull("applies_to_provider").putNull("applies_to_level").put("exempt_levels", new JsonArray().add("admin"))
                        .put("required_approver_level", "admin").put("created_at", "2026-11-01T00:00:00Z")))));
        router.post("/api/approvals/requests/bulk-approve").handler(rc -> bulk(rc, "approved"));
        router.post("/api/approvals/requests/bulk-reject").handler(rc -> bulk(rc, "rejected"));
        router.post("/api/approvals/requests/:id/approve").handler(rc -> decide(rc, "approved"));
        router.post("/api/approvals/requests/:id/reject").handler(rc -> decide(rc, "rejected"));
    }

    private void decide(RoutingContext rc, String status) {
        JsonObject request = requests.get(rc.pathParam("id"));
        if (request == null) {
            FakeOwners.detail(rc, 404, "No approval request " + rc.pathParam("id"));
        } else if (!"pending".equals(request.getString("status"))) {
            FakeOwners.detail(rc, 409, "Request " + rc.pathParam("id") + " is already " + request.getString("status"));
        } else {
            request.put("status", status).put("reviewed_by", rc.request().getHeader("X-Tuneops-Actor"))
                    .put("review_notes", rc.body().asJsonObject().getString("notes"));
            FakeOwners.json(rc, 200, new JsonObject().put("success", true).put("request_id", request.getString("id"))
                    .put("job_id", request.getString("job_id")).put("request", request));
        }
    }

    private void bulk(RoutingContext rc, String status) {
        JsonArray results = new JsonArray();
        int succeeded = 0;
        JsonArray ids = rc.body().asJsonObject().getJsonArray("request_ids");
        for (Object id : ids) {
            JsonObject request = requests.get(id.toString());
            boolean ok = request != null && "pending".equals(request.getString("status"));
            if (ok) {
                request.put("status", status);
                succeeded++;
            }
            results.add(new JsonObject().put("request_id", id).put("success", ok).put("error", ok ? null : "not pending"));
        }
        FakeOwners.json(rc, 200, new JsonObject().put("total", ids.size()).put("succeeded", succeeded)
                .put("failed", ids.size() - succeeded).put("results", results));
    }

    private void prices(Router router) {
        router.get("/api/cloud/hardware-options").handler(rc -> {
            boolean generic = "generic".equals(rc.request().getParam("provider"));
            JsonObject hardware = generic
                    ? new JsonObject().put("id", "cpu-8").put("name", "8 CPUs").put("cost_per_second", 0.0001)
                            .put("cost_per_hour", 0.36).put("available", true)
                    : new JsonObject().put("id", "gpu-h100").put("name", "H100").put("cost_per_second", 0.002)
                            .put("cost_per_hour", 7.2).put("available", true);
            FakeOwners.json(rc, 200, new JsonObject().put("hardware", new JsonArray().add(hardware))
                    .put("default_hardware", hardware.getString("id")).put("message", "Prices from the provider's hardware_prices"));
        });
        router.post("/api/cloud/cost-estimate").handler(rc -> {
            JsonObject body = rc.body().asJsonObject();
            if (!"gpu-h100".equals(body.getString("hardware"))) {
                FakeOwners.json(rc, 200, new JsonObject().put("has_estimate", false).putNull("estimated_cost_usd")
                        .putNull("avg_duration_seconds").putNull("hardware_cost_per_hour").putNull("data_size_mb")
                        .put("message", "No price for " + body.getString("hardware")));
                return;
            }
            Long seconds = body.getLong("max_run_seconds");
            double duration = seconds == null ? 1800.0 : seconds;
            FakeOwners.json(rc, 200, new JsonObject().put("has_estimate", true).put("estimated_cost_usd", duration * 0.002)
                    .put("avg_duration_seconds", 1800.0).put("hardware_cost_per_hour", 7.2).putNull("data_size_mb")
                    .put("message", seconds == null ? "From the average of 4 finished jobs" : "At most the maximum run time"));
        });
    }

    private static JsonArray values(Map<String, JsonObject> map) {
        synchronized (map) {
            return new JsonArray(List.copyOf(map.values()));
        }
    }
}
