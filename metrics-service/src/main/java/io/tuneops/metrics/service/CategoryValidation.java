package io.tuneops.metrics.service;

import java.util.ArrayList;
import java.util.List;

/** Checks lists of category ids from requests; every unknown id is reported with the valid ones. */
public final class CategoryValidation {

    public record FieldError(String field, String message) {
    }

    /** The canonical list (catalogue order, no repeats) or the errors; exactly one is non-null. */
    public record Result(List<String> categories, List<FieldError> errors) {
    }

    private CategoryValidation() {
    }

    /** {@code values} came from JSON: anything but a list of known ids is an error on {@code field}. */
    public static Result check(String field, Object values) {
        if (!(values instanceof List<?> list)) {
            return new Result(null, List.of(new FieldError(field, "must be a list of category ids; valid: " + valid())));
        }
        List<FieldError> errors = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object v = list.get(i);
            if (v instanceof String id && MetricCatalog.isCategory(id)) {
                ids.add(id);
            } else {
                String shown = v instanceof String s ? "'" + shorten(s) + "'" : String.valueOf(v);
                errors.add(new FieldError(field + "[" + i + "]", "unknown category " + shown + "; valid: " + valid()));
            }
        }
        return errors.isEmpty() ? new Result(MetricCatalog.canonical(ids), null) : new Result(null, errors);
    }

    public static String valid() {
        return String.join(", ", MetricCatalog.categoryIds());
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
