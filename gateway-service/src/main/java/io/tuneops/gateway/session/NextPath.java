package io.tuneops.gateway.session;

import java.util.regex.Pattern;

/**
 * Where a form sign-in sends the browser next: a path on this site. Anything that a browser could
 * read as another site's address ({@code //evil.example}, {@code /\evil.example}, a scheme) or
 * that would break the Location header becomes {@code /}.
 */
public final class NextPath {

    public static final String HOME = "/";
    private static final int MAX_LENGTH = 512;
    // a slash not followed by another slash or a backslash, then printable ASCII without backslashes
    private static final Pattern SAME_SITE_PATH = Pattern.compile("/(?![/\\\\])[!-\\[\\]-~]*");

    private NextPath() {
    }

    public static String orHome(String next) {
        if (next == null || next.length() > MAX_LENGTH || !SAME_SITE_PATH.matcher(next).matches()) {
            return HOME;
        }
        return next;
    }
}
