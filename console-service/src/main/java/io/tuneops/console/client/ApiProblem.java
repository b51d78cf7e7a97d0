package io.tuneops.console.client;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An owner's refusal in the API's error shape: {@code {"detail": ...}}, plus {@code errors:
 * [{field, message}]} for validation.
 */
public record ApiProblem(String detail, List<FieldError> errors) {

    public record FieldError(String field, String message) {
    }

    public ApiProblem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiProblem of(String detail) {
        return new ApiProblem(detail, List.of());
    }

    /** The messages about one field, joined, or null when there are none (templates test for it). */
    public String forField(String field) {
        String joined = errors.stream().filter(e -> field.equals(e.field())).map(FieldError::message)
                .collect(Collectors.joining("; "));
        return joined.isEmpty() ? null : joined;
    }

    /** The errors about fields a form does not show, which it lists with the detail. */
    public List<FieldError> otherThan(Set<String> shownFields) {
        return errors.stream().filter(e -> !shownFields.contains(e.field())).toList();
    }
}
