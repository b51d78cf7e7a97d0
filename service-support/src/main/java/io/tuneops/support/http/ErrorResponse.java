package io.tuneops.support.http;

/** The error shape of every JSON API of tuneops, as the operations guide shows it. */
public record ErrorResponse(String detail) {
}
