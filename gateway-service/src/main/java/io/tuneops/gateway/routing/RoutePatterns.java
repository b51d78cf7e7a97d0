package io.tuneops.gateway.routing;

import java.util.regex.Pattern;

/**
 * Routing prefixes, and route tables that are regular expressions that start with a literal path; checking that literal part
 * with startsWith first spares most requests most of the regex matching (tens of patterns are
 * consulted per request).
 */
public final class RoutePatterns {

    private RoutePatterns() {
    }

    /** Whether a routing prefix names a segment as a parameter ({@code /api/orgs/{org_id}/quotas}). */
    public static boolean templated(String prefix) {
        return prefix.indexOf('{') >= 0;
    }

    /** The regex of the paths a routing prefix covers: the prefix itself and everything below it; a {name} segment is any one segment. */
    public static String regexOf(String prefix) {
        StringBuilder regex = new StringBuilder();
        for (String segment : prefix.substring(1).split("/", -1)) {
            regex.append('/').append(segment.startsWith("{") && segment.endsWith("}") ? "[^/]+" : Pattern.quote(segment));
        }
        return regex.append("(/.*)?").toString();
    }

    /**
     * Whether a routing prefix covers {@code path} (a request's, or a documented template's): the
     * prefix itself or anything below it, a {name} segment of the prefix matching any one segment.
     */
    public static boolean covers(String prefix, String path) {
        if (!templated(prefix)) {
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
        String[] want = prefix.substring(1).split("/", -1);
        String[] have = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[0];
        if (have.length < want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean parameter = want[i].startsWith("{") && want[i].endsWith("}");
            if (parameter ? have[i].isEmpty() : !want[i].equals(have[i])) {
                return false;
            }
        }
        return true;
    }

    /** The literal text a regex starts with (up to its first metacharacter); "" when there is none. */
    public static String literalPrefix(String regex) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if ("\\\\[](){}.*+?^$|".indexOf(c) >= 0) {
                break;
            }
            prefix.append(c);
        }
        // a quantifier applies to the character before it, which is therefore not certain to be there
        if (prefix.length() > 0 && prefix.length() < regex.length() && "*?{".indexOf(regex.charAt(prefix.length())) >= 0) {
            prefix.setLength(prefix.length() - 1);
        }
        return prefix.toString();
    }
}
