package io.tuneops.webhook.rest;

import io.tuneops.webhook.service.FieldError;

import java.util.List;

/** A 400 naming every field that is wrong: the {@code {"detail": ...}} error shape plus {@code errors}. */
public record ValidationError(String detail, List<FieldError> errors) {
}
