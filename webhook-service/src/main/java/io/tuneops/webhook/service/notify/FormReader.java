package io.tuneops.webhook.service.notify;

import io.tuneops.webhook.service.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads the fields of a request body, collecting one error per wrong field instead of stopping at the first. */
final class FormReader {

    private final JsonObject body;
    private final List<FieldError> errors = new ArrayList<>();

    FormReader(JsonObject body) {
        this.body = body;
    }

    List<FieldError> errors() {
        return errors;
    }

    void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    boolean has(String field) {
        return body.containsKey(field);
    }

    void onlyFields(Set<String> accepted) {
        for (String field : body.fieldNames()) {
            if (!accepted.contains(field)) {
                error(field, "unknown field; accepted: " + String.join(", ", new TreeSet<>(accepted)));
            }
        }
    }

    /** A string field: null when absent or null, the value otherwise ({@code ""} included); an error when not a string or too long. */
    String text(String field, int maxLength) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            error(field, "must be a string");
            return null;
        }
        if (s.length() > maxLength) {
            error(field, "must be at most " + maxLength + " characters");
            return null;
        }
        if (s.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            error(field, "must be a single line");
            return null;
        }
        return s;
    }

    /** {@link #text} with blank turned into null. */
    String optionalText(String field, int maxLength) {
        String value = text(field, maxLength);
        return value == null || value.isBlank() ? null : value.strip();
    }

    Boolean bool(String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Boolean b)) {
            error(field, "must be true or false");
            return null;
        }
        return b;
    }

    Integer integer(String field, int min, int max) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < min || n.doubleValue() > max) {
            error(field, "must be a whole number from " + min + " to " + max);
            return null;
        }
        return n.intValue();
    }

    /** A list of strings; null when absent or null. */
    List<String> texts(String field, int maxItems, int maxLength) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray array) || array.size() > maxItems) {
            error(field, "must be a list of at most " + maxItems + " strings");
            return null;
        }
        List<String> items = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof String s) || s.isBlank() || s.length() > maxLength) {
                error(field, "must be a list of non-empty strings of at most " + maxLength + " characters");
                return null;
            }
            if (!items.contains(s)) {
                items.add(s);
            }
        }
        return items;
    }
}
