package io.tuneops.console.web;

import io.tuneops.support.http.VouchedAccess.Access;

import java.util.Locale;

/** The console's pages as the navigation lists them, each with the scope that may see it. */
public enum Section {
    JOBS("Jobs", "/jobs", Access.VIEWER),
    SUBMIT("Submit", "/submit", Access.OPERATOR),
    APPROVALS("Approvals", "/approvals", Access.OPERATOR),
    QUOTAS("Quotas", "/quotas", Access.VIEWER),
    PROVIDERS("Providers", "/providers", Access.VIEWER),
    METRICS("Metrics", "/metrics", Access.VIEWER),
    HEALTH("Health", "/health", Access.VIEWER),
    NOTIFICATIONS("Notifications", "/notifications", Access.VIEWER),
    AUDIT("Audit", "/audit", Access.ADMIN),
    USERS("Users", "/users", Access.ADMIN),
    TEAMS("Teams", "/teams", Access.ADMIN),
    KEYS("API keys", "/keys", Access.ADMIN),
    /** Pages outside the navigation (sign-in, errors). */
    NONE("", "/", Access.OPEN);

    private final String label;
    private final String path;
    private final Access access;

    Section(String label, String path, Access access) {
        this.label = label;
        this.path = path;
        this.access = access;
    }

    public String label() {
        return label;
    }

    public String path() {
        return path;
    }

    public Access access() {
        return access;
    }

    /** The id of its navigation link, {@code nav-jobs} and so on (the browser tests rely on them). */
    public String navId() {
        return "nav-" + name().toLowerCase(Locale.ROOT);
    }
}
