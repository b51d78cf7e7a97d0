package io.tuneops.gateway.routing;

/**
 * Route tables are regular expressions that start with a literal path; checking that literal part
 * with startsWith first spares most requests most of the regex matching (tens of patterns are
 * consulted per request).
 */
public final class RoutePatterns {

    private RoutePatterns() {
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
