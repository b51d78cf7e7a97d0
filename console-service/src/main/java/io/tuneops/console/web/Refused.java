package io.tuneops.console.web;

import io.tuneops.support.http.VouchedAccess.Access;

/**
 * A request the console refuses before calling any owner, shown as an error page
 * (ConsolePageErrors): a missing or wrong CSRF token, or a page beyond the visitor's scopes.
 */
public final class Refused extends RuntimeException {

    private final int status;
    private final String title;
    private final transient Visitor visitor;

    private Refused(int status, String title, String message, Visitor visitor) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
        this.visitor = visitor;
    }

    public static Refused csrf(Visitor visitor) {
        return new Refused(403, "Request refused", "This form has expired or did not come from the console "
                + "(its security token is missing or wrong). Reload the page and try again.", visitor);
    }

    public static Refused scope(Visitor visitor, Access required) {
        return new Refused(403, "Not allowed", "This page needs the '" + required.id()
                + "' scope, which your API key does not have.", visitor);
    }

    /** A page reached without a vouched visitor (SignInGate sends those to the sign-in page first). */
    public static Refused signedOut() {
        return new Refused(401, "Signed out", "Your session has ended. Sign in again.", null);
    }

    /** An owner's refusal that leaves nothing to show (its words, as it said them). */
    public static Refused owner(Visitor visitor, String detail) {
        return new Refused(502, "Not available", detail, visitor);
    }

    public static Refused notFound(Visitor visitor, String what) {
        return new Refused(404, "Not found", what, visitor);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Visitor visitor() {
        return visitor;
    }
}
