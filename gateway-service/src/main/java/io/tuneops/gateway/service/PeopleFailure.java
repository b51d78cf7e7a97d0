package io.tuneops.gateway.service;

import io.vertx.pgclient.PgException;

/**
 * A change to users, organisations or teams refused for what was asked (not for a failing store):
 * no such thing, a clash with what exists, or a value that does not fit, with the field it is about.
 */
public final class PeopleFailure extends RuntimeException {

    public enum Kind {
        NOT_FOUND(404), CONFLICT(409), INVALID(400), FORBIDDEN(403);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final String field;

    PeopleFailure(Kind kind, String field, String message) {
        // no stack trace: an answer to the caller, not a fault
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    static PeopleFailure notFound(String message) {
        return new PeopleFailure(Kind.NOT_FOUND, null, message);
    }

    static PeopleFailure conflict(String message) {
        return new PeopleFailure(Kind.CONFLICT, null, message);
    }

    static PeopleFailure forbidden(String message) {
        return new PeopleFailure(Kind.FORBIDDEN, null, message);
    }

    static PeopleFailure invalid(String field, String message) {
        return new PeopleFailure(Kind.INVALID, field, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The request field the failure is about, or null. */
    public String field() {
        return field;
    }

    /** Whether {@code failure} is PostgreSQL refusing a duplicate (SQLSTATE 23505). */
    static boolean duplicate(Throwable failure) {
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    /** Whether {@code failure} is PostgreSQL refusing a reference to a missing or still referenced row (23503). */
    static boolean reference(Throwable failure) {
        return failure instanceof PgException pg && "23503".equals(pg.getSqlState());
    }
}
