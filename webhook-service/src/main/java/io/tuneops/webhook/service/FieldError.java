package io.tuneops.webhook.service;

/** One problem with one field of a request body, named so the caller can fix it. */
public record FieldError(String field, String message) {
}
