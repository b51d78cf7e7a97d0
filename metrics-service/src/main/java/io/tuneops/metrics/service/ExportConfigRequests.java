package io.tuneops.metrics.service;

import io.tuneops.metrics.service.CategoryValidation.FieldError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the export configuration's request bodies and query parameters. They are read field by
 * field from the raw JSON (not bound to a type) so that a refusal names every field at fault and
 * the valid categories, the way the guide's examples expect.
 */
public final class ExportConfigRequests {

    private static final Set<String> FIELDS = Set.of("prometheus_enabled", "prometheus_categories");

    /** A refused request: its detail and, when fields are at fault, one error per field (else null). */
    public static final class Invalid extends RuntimeException {
        private final List<FieldError> errors;

        Invalid(String detail, List<FieldError> errors) {
            super(detail, null, false, false);
            this.errors = errors == null ? null : List.copyOf(errors);
        }

        public String detail() {
            return getMessage();
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    private ExportConfigRequests() {
    }

    /** The body of {@code PUT /config}: a JSON object with prometheus_enabled and/or prometheus_categories. */
    public static ExportConfigService.Change update(String body) {
        Object parsed = json(body);
        if (!(parsed instanceof JsonObject fields) || fields.isEmpty()) {
            throw new Invalid("A JSON object with prometheus_enabled and/or prometheus_categories is required", null);
        }
        List<FieldError> errors = new ArrayList<>();
        for (String name : fields.fieldNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown field; supported: prometheus_enabled, prometheus_categories"));
            }
        }
        Optional<Boolean> enabled = Optional.empty();
        if (fields.containsKey("prometheus_enabled")) {
            if (fields.getValue("prometheus_enabled") instanceof Boolean b) {
                enabled = Optional.of(b);
            } else {
                errors.add(new FieldError("prometheus_enabled", "must be true or false"));
            }
        }
        Optional<List<String>> categories = Optional.empty();
        if (fields.containsKey("prometheus_categories")) {
            Object value = fields.getValue("prometheus_categories");
            CategoryValidation.Result result = CategoryValidation.check("prometheus_categories",
                    value instanceof JsonArray array ? array.getList() : value);
            if (result.errors() != null) {
                errors.addAll(result.errors());
            } else {
                categories = Optional.of(result.categories());
            }
        }
        if (!errors.isEmpty()) {
            throw new Invalid("Invalid metrics configuration; valid categories: " + CategoryValidation.valid(), errors);
        }
        return new ExportConfigService.Change(enabled, categories, null);
    }

    /**
     * {@code ?categories=jobs&categories=health}, comma-separated values allowed; the known ids in
     * catalogue order, or empty when none is given (the configured ones then).
     */
    public static Optional<List<String>> previewCategories(List<String> query) {
        if (query == null || query.isEmpty()) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>();
        query.forEach(c -> {
            for (String part : c.split(",")) {
                if (!part.isBlank()) {
                    ids.add(part.trim());
                }
            }
        });
        return Optional.of(known(ids));
    }

    /**
     * The body of {@code POST /config/preview}: a JSON array of category ids or
     * {@code {"categories": [...]}}; empty when the body is (the configured ones then).
     */
    public static Optional<List<String>> previewCategories(String body) {
        Object parsed = json(body);
        if (parsed == null) {
            return Optional.empty();
        }
        if (parsed instanceof JsonObject object && object.containsKey("categories")) {
            parsed = object.getValue("categories");
        }
        if (!(parsed instanceof JsonArray array)) {
            throw new Invalid("Expected a JSON array of category ids; valid: " + CategoryValidation.valid(), null);
        }
        return Optional.of(known(array.getList()));
    }

    private static List<String> known(List<?> requested) {
        CategoryValidation.Result result = CategoryValidation.check("categories", requested);
        if (result.errors() != null) {
            throw new Invalid("Unknown metric category; valid categories: " + CategoryValidation.valid(), result.errors());
        }
        return result.categories();
    }

    /** The decoded body, null when it is empty. */
    private static Object json(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.decodeValue(body);
        } catch (DecodeException e) {
            throw new Invalid("The request body is not JSON", null);
        }
    }
}
