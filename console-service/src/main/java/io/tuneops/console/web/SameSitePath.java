package io.tuneops.console.web;

import java.util.regex.Pattern;

/**
 * Where the browser may be sent after signing in: a path on this site, by the gateway's own rule
 * (gateway-service's NextPath), which drops any other {@code next}. A slash not followed by
 * another slash or a backslash, then printable ASCII without backslashes, at most 512 characters:
 * a browser reads {@code /<TAB>/host} as {@code //host} (it drops tabs and line breaks), and a
 * line break would split the Location header.
 */
public final class SameSitePath {

    private static final int MAX_LENGTH = 512;
    private static final Pattern PATH = Pattern.compile("/(?![/\\\\])[!-\\[\\]-~]*");

    private SameSitePath() {
    }

    public static boolean accepted(String path) {
        return path != null && path.length() <= MAX_LENGTH && PATH.matcher(path).matches();
    }
}
