package io.tuneops.webhook.rest;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The original tool's cost-limit fields ({@code cost_limit_enabled}, {@code _amount}, {@code _period},
 * {@code _action}), which its client sends one or several at a time, as this service's
 * {@code cost_limit} object: the fields given change the stored limit, the others keep it;
 * {@code cost_limit_enabled: false} removes it.
 */
final class OriginalCostLimit {

    static final String ENABLED = "cost_limit_enabled";
    private static final List<String> PARTS = List.of("amount", "period", "action");

    private OriginalCostLimit() {
    }

    /** Whether the change uses the original's fields. */
    static boolean used(JsonObject change) {
        return change.containsKey(ENABLED) || PARTS.stream().anyMatch(p -> change.containsKey("cost_limit_" + p));
    }

    /**
     * The change with the original's fields folded into {@code cost_limit} over {@code stored} (the
     * provider's configuration now, null when it has none); the result is validated as any change.
     */
    static JsonObject fold(JsonObject change, JsonObject stored) {
        JsonObject folded = change.copy();
        Object enabled = folded.remove(ENABLED);
        JsonObject limit = stored != null && stored.getValue("cost_limit") instanceof JsonObject current ? current.copy() : new JsonObject();
        for (String part : PARTS) {
            if (folded.containsKey("cost_limit_" + part)) {
                limit.put(part, folded.remove("cost_limit_" + part));
            }
        }
        folded.put("cost_limit", Boolean.FALSE.equals(enabled) ? null : limit);
        return folded;
    }
}
