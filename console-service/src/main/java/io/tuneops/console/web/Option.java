package io.tuneops.console.web;

import java.util.ArrayList;
import java.util.List;

/** One choice of a select or a group of checkboxes, and whether it is the chosen one. */
public record Option(String value, String label, boolean selected) {

    /** The options of a select whose first choice is "any" (the empty value). */
    public static List<Option> withAny(String anyLabel, List<String> values, String chosen) {
        List<Option> options = new ArrayList<>();
        options.add(new Option("", anyLabel, chosen == null || chosen.isBlank()));
        values.forEach(v -> options.add(new Option(v, v, v.equals(chosen))));
        return options;
    }

    public static List<Option> of(List<String> values, String chosen) {
        return values.stream().map(v -> new Option(v, v, v.equals(chosen))).toList();
    }
}
