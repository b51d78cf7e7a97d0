package io.tuneops.webhook.service;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A validated job submission. {@code provider} comes from {@code ?provider=} or the body (default
 * replicate); Replicate needs {@code version} (owner/model:version_id) and {@code destination}.
 *
 * @param input the training input exactly as the user wrote it, passed through to the provider
 * @param teamId the team the job is charged to (one of the submitter's), null for their first team
 * @param maxRunSeconds the longest the job may run, which prices it; null when the submitter does not say
 */
public record SubmitRequest(Provider provider, String name, String version, String destination,
                            JsonObject input, String hardware, String idempotencyKey, String teamId,
                            Integer maxRunSeconds) {

    /** The longest run a submit may announce: 30 days. */
    public static final int MAX_RUN_SECONDS = 30 * 86_400;

    /** The request when {@code errors} is empty; otherwise the errors say what to fix. */
    public record Parsed(SubmitRequest request, List<FieldError> errors) {
    }

    // config_name_to_load and hardware_profile: the original tool's client names name and hardware so
    private static final Set<String> FIELDS = Set.of("provider", "name", "config_name", "config_name_to_load", "version",
            "destination", "input", "hardware", "hardware_profile", "idempotency_key", "team_id", "max_run_seconds");

    public static Parsed parse(JsonObject body, String providerParam) {
        List<FieldError> errors = new ArrayList<>();
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError(field, "unknown field; accepted: " + String.join(", ", new TreeSet<>(FIELDS))));
            }
        }
        String providerName = providerParam != null ? providerParam : text(body, "provider", 64, errors);
        Provider provider = providerName == null ? Provider.REPLICATE : Provider.fromWire(providerName).orElse(null);
        if (provider == null) {
            errors.add(new FieldError("provider", "unknown provider; known: " + String.join(", ", Provider.wireNames())));
        }
        String name = text(body, "name", 200, errors);
        if (name == null) {
            name = text(body, "config_name", 200, errors);
        }
        if (name == null) {
            name = text(body, "config_name_to_load", 200, errors);
        }
        String version = text(body, "version", 300, errors);
        String destination = text(body, "destination", 300, errors);
        String hardware = text(body, "hardware", 128, errors);
        if (hardware == null) {
            hardware = text(body, "hardware_profile", 128, errors);
        }
        String key = text(body, "idempotency_key", 200, errors);
        String teamId = text(body, "team_id", 128, errors);
        Integer maxRunSeconds = runSeconds(body.getValue("max_run_seconds"), "max_run_seconds", errors);
        Object input = body.getValue("input");
        if (input != null && !(input instanceof JsonObject)) {
            errors.add(new FieldError("input", "must be an object"));
        }
        if (provider == Provider.REPLICATE) {
            if (version == null) {
                errors.add(new FieldError("version", "required for replicate: the model version to train, owner/model:version_id"));
            } else if (!version.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:[A-Za-z0-9]+")) {
                errors.add(new FieldError("version", "must look like owner/model:version_id"));
            }
            if (destination == null) {
                errors.add(new FieldError("destination", "required for replicate: the model to push the result to, owner/model"));
            } else if (!destination.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
                errors.add(new FieldError("destination", "must look like owner/model"));
            }
        }
        JsonObject inputObject = input instanceof JsonObject o ? o : new JsonObject();
        return new Parsed(new SubmitRequest(provider, name, version, destination, inputObject, hardware, key, teamId,
                maxRunSeconds), errors);
    }

    /** A whole number of seconds from 1 to {@link #MAX_RUN_SECONDS}; null when absent or wrong (then an error says so). */
    public static Integer runSeconds(Object value, String field, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))
                && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 1 && n.doubleValue() <= MAX_RUN_SECONDS) {
            return n.intValue();
        }
        errors.add(new FieldError(field, "must be a whole number of seconds from 1 to " + MAX_RUN_SECONDS));
        return null;
    }

    private static String text(JsonObject body, String field, int max, List<FieldError> errors) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank() || s.length() > max || s.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must be a non-empty string of at most " + max + " characters"));
            return null;
        }
        return s;
    }

    /** What is kept of the request on the job (shown back to readers; holds no secrets). */
    public JsonObject stored() {
        JsonObject stored = new JsonObject().put("input", input.copy());
        if (version != null) {
            stored.put("version", version);
        }
        if (destination != null) {
            stored.put("destination", destination);
        }
        return stored;
    }
}
