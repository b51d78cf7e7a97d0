package io.tuneops.console.web;

import java.util.Arrays;
import java.util.List;

/**
 * What the base template (templates/base.html) needs on every page: the title, the navigation
 * this visitor may use, who is signed in and the session's CSRF token, and the asset URLs.
 *
 * @param visitor null on the sign-in page
 */
public record Layout(String title, Section section, Visitor visitor, AssetCatalog.Urls assets) {

    /** One navigation link; {@code current} marks the page being shown (aria-current). */
    public record NavItem(String id, String label, String href, boolean current) {
    }

    public boolean signedIn() {
        return visitor != null;
    }

    /** Only the pages this visitor's scopes open: the others are not offered at all. */
    public List<NavItem> nav() {
        if (visitor == null) {
            return List.of();
        }
        return Arrays.stream(Section.values())
                .filter(s -> s != Section.NONE && visitor.has(s.access()))
                .map(s -> new NavItem(s.navId(), s.label(), s.path(), s == section))
                .toList();
    }

    /** The session's CSRF token, for the hidden {@code _csrf} field of every form. */
    public String csrf() {
        return visitor == null ? "" : visitor.csrf();
    }

    /**
     * htmx's {@code hx-headers} on {@code <body>}: every request htmx makes carries the token as
     * X-CSRF-Token. The template escapes the quotes; the browser unescapes them before htmx reads it.
     */
    public String csrfHeaders() {
        return "{\"" + Csrf.HEADER + "\": \"" + csrf() + "\"}";
    }
}
