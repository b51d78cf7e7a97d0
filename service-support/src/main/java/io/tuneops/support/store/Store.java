package io.tuneops.support.store;

/** The backing stores every service shares, named as an operator reads them in an error or a log. */
public enum Store {
    DATABASE("the database (PostgreSQL)"),
    REDIS("Redis");

    private final String words;

    Store(String words) {
        this.words = words;
    }

    /** Lower-case noun phrase, e.g. "the database (PostgreSQL)". */
    public String words() {
        return words;
    }
}
