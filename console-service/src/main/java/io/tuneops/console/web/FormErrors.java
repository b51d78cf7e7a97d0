package io.tuneops.console.web;

import io.tuneops.console.client.ApiProblem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is wrong with a submitted form, in words: per field (shown next to it) and in general
 * (shown above the form, with the errors about fields the form does not show).
 */
public record FormErrors(Map<String, String> byField, String general) {

    public static final FormErrors NONE = new FormErrors(Map.of(), null);

    public FormErrors {
        byField = Map.copyOf(byField);
    }

    /** Errors found before asking the owner. */
    public static FormErrors local(Map<String, String> byField) {
        return byField.isEmpty() ? NONE : new FormErrors(byField, "Nothing was saved: correct the fields marked below.");
    }

    /**
     * An owner's refusal: its field errors next to the fields this form shows, the rest with its
     * detail. {@code aliases} maps an API field onto the form field that edits it.
     */
    public static FormErrors of(ApiProblem problem, Set<String> shownFields, Map<String, String> aliases) {
        Map<String, String> byField = new LinkedHashMap<>();
        List<String> others = new ArrayList<>();
        for (ApiProblem.FieldError e : problem.errors()) {
            String field = aliases.getOrDefault(e.field(), e.field());
            if (shownFields.contains(field)) {
                byField.merge(field, e.message(), (a, b) -> a + "; " + b);
            } else {
                others.add(e.field() + ": " + e.message());
            }
        }
        String general = problem.detail() + (others.isEmpty() ? "" : " (" + String.join("; ", others) + ")");
        return new FormErrors(byField, general);
    }

    public static FormErrors general(String message) {
        return new FormErrors(Map.of(), message);
    }

    /** The error about {@code field}, or null (templates test it). */
    public String of(String field) {
        return byField.get(field);
    }

    public boolean any() {
        return general != null || !byField.isEmpty();
    }
}
