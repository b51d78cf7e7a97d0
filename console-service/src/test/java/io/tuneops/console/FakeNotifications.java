package io.tuneops.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * webhook-service's notification routes as FakeOwners serves them, in the contract's JSON: channels
 * (their secrets kept apart and never answered), preferences with the owner's rule that a
 * non-admin keeps only their own, the event catalogue, the email presets, and a delivery history
 * with retries. Channel {@code nch_down}'s far end answers a test with a 503.
 */
final class FakeNotifications {

    static final String BASE = "/api/cloud/notifications";
    static final String GENERATED_SECRET = "whsec_Z2VuZXJhdGVkLXNpZ25pbmctc2VjcmV0LTAxMjM0NTY3";

    final Map<String, JsonObject> channels = Collections.synchronizedMap(new LinkedHashMap<>());
    /** The write-only part of each channel, as it was last written. */
    final Map<String, String> secrets = new ConcurrentHashMap<>();
    final Map<String, JsonObject> preferences = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, JsonObject> deliveries = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger ids = new AtomicInteger();

    void reset() {
        ids.set(0);
        channels.clear();
        secrets.clear();
        channels.put("nch_mail", channel("nch_mail", "Ops mail", "email").put("smtp_host", "smtp.example.com")
                .put("smtp_port", 587).put("smtp_username", "ops").put("smtp_use_tls", true).put("smtp_security", "starttls")
                .put("smtp_from_address", "tuneops@example.com").put("smtp_from_name", "tuneops").put("secret_configured", true));
        secrets.put("nch_mail", "stored-smtp-password");
        channels.put("nch_down", channel("nch_down", "Broken hook", "webhook").put("webhook_url", "https://hooks.example.com/down")
                .put("event_types", new JsonArray().add("job.failed")).put("secret_configured", true));
        preferences.clear();
        preferences.put("npr_team", preference("npr_team", "nch_mail", "job.failed", "team", "team_ml", "user:ada")
                .put("min_severity", "error").put("recipients", new JsonArray().add("ml@example.com")));
        preferences.put("npr_bob", preference("npr_bob", "nch_mail", "job.*", "user", "usr_bob", "user:bob"));
        deliveries.clear();
        for (int i = 1; i <= 60; i++) {
            String status = i == 1 ? "failed" : i == 2 ? "pending" : "delivered";
            deliveries.put(String.valueOf(i), new JsonObject().put("id", String.valueOf(i)).put("event_id", "evt_" + i)
                    .put("event_type", i % 2 == 0 ? "job.completed" : "job.failed").put("severity", i % 2 == 0 ? "info" : "error")
                    .put("channel_id", i == 1 ? "nch_down" : "nch_mail").put("channel_name", i == 1 ? "Broken hook" : "Ops mail")
                    .put("channel_type", i == 1 ? "webhook" : "email").put("recipient", i == 1 ? null : "ml@example.com")
                    .put("delivery_status", status).put("attempts", i == 1 ? 10 : 1)
                    .put("last_status_code", i == 1 ? 503 : 250).put("last_error", i == 1 ? "HTTP 503 Service Unavailable" : null)
                    .put("latency_ms", 40 + i).put("sent_at", "2026-11-22T09:00:00Z")
                    .put("created_at", String.format("2026-11-22T09:%02d:00Z", 60 - i))
                    .put("next_attempt_at", "2026-11-22T10:00:00Z").put("job_id", "job_run" + i));
        }
    }

    static JsonObject channel(String id, String name, String type) {
        JsonObject c = new JsonObject();
        for (String field : List.of("smtp_host", "smtp_port", "smtp_username", "smtp_use_tls", "smtp_security",
                "smtp_from_address", "smtp_from_name", "webhook_url", "description", "org_id")) {
            c.putNull(field);
        }
        return c.put("id", id).put("name", name).put("channel_type", type).put("is_enabled", true)
                .put("event_types", new JsonArray()).put("secret_configured", false)
                .put("created_at", "2026-11-01T00:00:00Z").put("updated_at", "2026-11-01T00:00:00Z");
    }

    static JsonObject preference(String id, String channelId, String eventType, String scope, String scopeId, String by) {
        JsonObject p = new JsonObject().put("id", id).put("event_type", eventType).put("min_severity", "info")
                .put("is_enabled", true).put("scope", scope).put("mute", channelId == null)
                .put("recipients", new JsonArray()).put("created_by", by).put("created_at", "2026-11-01T00:00:00Z");
        p.put("channel_id", channelId);
        return scopeId == null ? p.putNull("scope_id") : p.put("scope_id", scopeId);
    }

    void register(Router router) {
        router.get(BASE + "/channels").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("channels", values(channels))));
        router.get(BASE + "/channels/:id").handler(rc -> withChannel(rc, c -> FakeOwners.json(rc, 200, c)));
        router.post(BASE + "/channels").handler(this::createChannel);
        router.patch(BASE + "/channels/:id").handler(rc -> withChannel(rc, c -> changeChannel(rc, c)));
        router.delete(BASE + "/channels/:id").handler(rc -> {
            if (channels.remove(rc.pathParam("id")) == null) {
                FakeOwners.detail(rc, 404, "No channel " + rc.pathParam("id"));
            } else {
                rc.response().setStatusCode(204).end();
            }
        });
        router.post(BASE + "/channels/:id/test").handler(rc -> withChannel(rc, c -> FakeOwners.json(rc, 200,
                "nch_down".equals(c.getString("id"))
                        ? new JsonObject().put("success", false).put("latency_ms", 31).put("status_code", 503)
                                .put("error", "HTTP 503 Service Unavailable").put("channel_type", c.getString("channel_type"))
                        : new JsonObject().put("success", true).put("latency_ms", 42)
                                .put("status_code", "email".equals(c.getString("channel_type")) ? 250 : 200).putNull("error")
                                .put("channel_type", c.getString("channel_type")))));
        router.get(BASE + "/preferences").handler(rc -> {
            String scope = rc.request().getParam("scope");
            String scopeId = rc.request().getParam("scope_id");
            FakeOwners.json(rc, 200, new JsonObject().put("preferences", new JsonArray(values(preferences).stream()
                    .map(JsonObject.class::cast)
                    .filter(p -> scope == null || scope.equals(p.getString("scope")))
                    .filter(p -> scopeId == null || scopeId.equals(p.getString("scope_id"))).toList())));
        });
        router.post(BASE + "/preferences").handler(this::createPreference);
        router.delete(BASE + "/preferences/:id").handler(rc -> {
            JsonObject p = preferences.get(rc.pathParam("id"));
            if (p == null) {
                FakeOwners.detail(rc, 404, "No preference " + rc.pathParam("id"));
            } else if (!admin(rc) && !java.util.Objects.equals(rc.request().getHeader("X-Tuneops-User"), p.getString("scope_id"))) {
                FakeOwners.detail(rc, 403, "Only an admin deletes another person's preference");
            } else {
                preferences.remove(rc.pathParam("id"));
                rc.response().setStatusCode(204).end();
            }
        });
        router.get(BASE + "/events").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("event_types", new JsonArray()
                .add(event("job.completed", "Job completed", "Jobs", "info"))
                .add(event("job.failed", "Job failed", "Jobs", "error"))
                .add(event("approval.requested", "Approval requested", "Approvals", "warning")))));
        router.get(BASE + "/presets").handler(rc -> FakeOwners.json(rc, 200, new JsonObject().put("presets", new JsonArray()
                .add(preset("gmail", "Gmail", "smtp.gmail.com", 587, "starttls"))
                .add(preset("ses", "Amazon SES (us-east-1)", "email-smtp.us-east-1.amazonaws.com", 465, "tls")))));
        router.get(BASE + "/history").handler(this::history);
        router.post(BASE + "/history/:id/retry").handler(rc -> {
            JsonObject d = deliveries.get(rc.pathParam("id"));
            if (d == null) {
                FakeOwners.detail(rc, 404, "No delivery " + rc.pathParam("id"));
            } else if (!"failed".equals(d.getString("delivery_status"))) {
                FakeOwners.detail(rc, 409, "Delivery " + rc.pathParam("id") + " is " + d.getString("delivery_status")
                        + ", not failed");
            } else {
                d.put("delivery_status", "pending").put("attempts", 0);
                FakeOwners.json(rc, 200, d);
            }
        });
    }

    private void createChannel(RoutingContext rc) {
        JsonObject body = rc.body().asJsonObject();
        JsonArray errors = new JsonArray();
        String type = body.getString("channel_type");
        if (body.getString("name", "").isBlank()) {
            errors.add(error("name", "required"));
        }
        if ("webhook".equals(type) && !body.getString("webhook_url", "").startsWith("http")) {
            errors.add(error("webhook_url", "must be an http:// or https:// URL"));
        }
        if ("email".equals(type) && body.getString("smtp_from_address") == null) {
            errors.add(error("smtp_from_address", "required for an email channel"));
        }
        if (!errors.isEmpty()) {
            FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid channel").put("errors", errors));
            return;
        }
        String id = "nch_new" + ids.incrementAndGet();
        JsonObject c = channel(id, body.getString("name"), type).put("is_enabled", body.getBoolean("is_enabled", true));
        if ("gmail".equals(body.getString("preset")) && body.getString("smtp_host") == null) {
            c.put("smtp_host", "smtp.gmail.com").put("smtp_port", 587).put("smtp_security", "starttls");
        }
        copy(body, c);
        JsonObject answer = c.copy();
        String secret = body.getString("smtp_password", body.getString("slack_webhook_url", body.getString("webhook_secret")));
        if ("webhook".equals(type) && secret == null) {
            secret = GENERATED_SECRET;
            answer.put("secret", secret);
        }
        if (secret != null) {
            secrets.put(id, secret);
            c.put("secret_configured", true);
            answer.put("secret_configured", true);
        }
        channels.put(id, c);
        FakeOwners.json(rc, 201, answer);
    }

    private void changeChannel(RoutingContext rc, JsonObject c) {
        JsonObject body = rc.body().asJsonObject();
        if (body.containsKey("smtp_port") && body.getInteger("smtp_port") > 65535) {
            FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid channel")
                    .put("errors", new JsonArray().add(error("smtp_port", "at most 65535"))));
            return;
        }
        if (body.containsKey("name")) {
            c.put("name", body.getString("name"));
        }
        if (body.containsKey("is_enabled")) {
            c.put("is_enabled", body.getBoolean("is_enabled"));
        }
        copy(body, c);
        for (String secretField : List.of("smtp_password", "slack_webhook_url", "webhook_secret")) {
            if (body.containsKey(secretField)) {
                String secret = body.getString(secretField);
                if (secret.isEmpty()) {
                    secrets.remove(c.getString("id"));
                } else {
                    secrets.put(c.getString("id"), secret);
                }
                c.put("secret_configured", !secret.isEmpty());
            }
        }
        c.put("updated_at", "2026-11-22T09:00:00Z");
        FakeOwners.json(rc, 200, c);
    }

    private static void copy(JsonObject body, JsonObject c) {
        for (String field : List.of("smtp_host", "smtp_port", "smtp_username", "smtp_security", "smtp_from_address",
                "smtp_from_name", "webhook_url", "description", "event_types")) {
            if (body.containsKey(field)) {
                c.put(field, body.getValue(field));
            }
        }
    }

    private void createPreference(RoutingContext rc) {
        JsonObject body = rc.body().asJsonObject();
        boolean mute = body.getBoolean("mute", false);
        String user = rc.request().getHeader("X-Tuneops-User");
        String scope = body.getString("scope", admin(rc) ? "everyone" : "user");
        String scopeId = body.getString("scope_id", "user".equals(scope) ? user : null);
        if (!admin(rc) && (!"user".equals(scope) || scopeId == null || !scopeId.equals(user))) {
            FakeOwners.detail(rc, 403, "A non-admin keeps only their own preferences");
            return;
        }
        if (!mute && !channels.containsKey(body.getString("channel_id", ""))) {
            FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid preference")
                    .put("errors", new JsonArray().add(error("channel_id", "no such channel"))));
            return;
        }
        String id = "npr_new" + ids.incrementAndGet();
        JsonObject p = preference(id, mute ? null : body.getString("channel_id"), body.getString("event_type"), scope, scopeId,
                rc.request().getHeader("X-Tuneops-Actor"))
                .put("min_severity", body.getString("min_severity", "info"))
                .put("recipients", body.getJsonArray("recipients", new JsonArray()));
        preferences.put(id, p);
        FakeOwners.json(rc, 201, p);
    }

    private void history(RoutingContext rc) {
        String status = rc.request().getParam("status");
        if (status != null && !List.of("pending", "delivering", "delivered", "failed").contains(status)) {
            FakeOwners.json(rc, 400, new JsonObject().put("detail", "Invalid filter")
                    .put("errors", new JsonArray().add(error("status", "one of pending, delivering, delivered, failed"))));
            return;
        }
        String channel = rc.request().getParam("channel_id");
        String type = rc.request().getParam("event_type");
        int limit = Integer.parseInt(rc.request().getParam("limit", "50"));
        int offset = Integer.parseInt(rc.request().getParam("offset", "0"));
        List<Object> matching = values(deliveries).stream().map(JsonObject.class::cast)
                .filter(d -> status == null || status.equals(d.getString("delivery_status")))
                .filter(d -> channel == null || channel.equals(d.getString("channel_id")))
                .filter(d -> type == null || type.equals(d.getString("event_type")))
                .map(Object.class::cast).toList();
        List<Object> page = matching.subList(Math.min(offset, matching.size()), Math.min(offset + limit, matching.size()));
        FakeOwners.json(rc, 200, new JsonObject().put("entries", new JsonArray(page)).put("total", matching.size())
                .put("has_more", offset + page.size() < matching.size()));
    }

    private void withChannel(RoutingContext rc, java.util.function.Consumer<JsonObject> then) {
        JsonObject c = channels.get(rc.pathParam("id"));
        if (c == null) {
            FakeOwners.detail(rc, 404, "No channel " + rc.pathParam("id"));
        } else {
            then.accept(c);
        }
    }

    private static boolean admin(RoutingContext rc) {
        String scopes = rc.request().getHeader("X-Tuneops-Scopes");
        return scopes != null && scopes.contains("admin");
    }

    private static JsonObject event(String id, String name, String category, String severity) {
        return new JsonObject().put("id", id).put("name", name).put("category", category).put("description", name + ".")
                .put("severity", severity);
    }

    private static JsonObject preset(String id, String name, String host, int port, String security) {
        return new JsonObject().put("id", id).put("name", name).put("smtp_host", host).put("smtp_port", port)
                .put("smtp_use_tls", !"none".equals(security)).put("smtp_security", security);
    }

    private static JsonObject error(String field, String message) {
        return new JsonObject().put("field", field).put("message", message);
    }

    private static JsonArray values(Map<String, JsonObject> map) {
        synchronized (map) {
            return new JsonArray(List.copyOf(map.values()));
        }
    }
}
