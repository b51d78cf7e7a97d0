package io.tuneops.webhook.rest;

import java.util.Optional;

/**
 * The limit and offset query parameters of a list route, taken as text so that a wrong one gets
 * the route's own 400 rather than the framework's.
 */
record Paging(int limit, int offset) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_OFFSET = 1_000_000;

    /** Both parameters within bounds, absent ones at their defaults; empty when either is wrong. */
    static Optional<Paging> of(String limit, String offset, int maxLimit) {
        Optional<Integer> first = limit(limit, maxLimit);
        Optional<Integer> skip = number(offset, 0, 0, MAX_OFFSET);
        return first.isPresent() && skip.isPresent() ? Optional.of(new Paging(first.get(), skip.get())) : Optional.empty();
    }

    /** The limit alone, for a route without an offset; empty when wrong. */
    static Optional<Integer> limit(String limit, int maxLimit) {
        return number(limit, DEFAULT_LIMIT, 1, maxLimit);
    }

    /** What {@link #of} accepts, as the detail of the 400 when it accepts nothing. */
    static String rule(int maxLimit) {
        return "limit must be 1 to " + maxLimit + " and offset 0 to " + MAX_OFFSET;
    }

    private static Optional<Integer> number(String value, int fallback, int min, int max) {
        if (value == null) {
            return Optional.of(fallback);
        }
        try {
            int n = Integer.parseInt(value.trim());
            return n < min || n > max ? Optional.empty() : Optional.of(n);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
