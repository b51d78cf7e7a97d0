package io.tuneops.gateway.security;

import io.tuneops.gateway.routing.RoutePatterns;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every route's access rule, first match wins; docs/security.md is this table in prose. Anything
 * not listed needs an admin key, so a route added without a rule is closed, not open.
 */
@ApplicationScoped
public class AccessPolicy {

    private static final Set<HttpMethod> READ = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<HttpMethod> ANY = null;

    private record Rule(Set<HttpMethod> methods, String literalPrefix, Pattern path, Access access) {
        boolean matches(HttpMethod method, String p) {
            return (methods == null || methods.contains(method)) && p.startsWith(literalPrefix)
                    && path.matcher(p).matches();
        }
    }

    private static Rule rule(Set<HttpMethod> methods, String regex, Access access) {
        return new Rule(methods, RoutePatterns.literalPrefix(regex), Pattern.compile(regex), access);
    }

    private static final List<Rule> RULES = List.of(
            // gateway's own
            rule(ANY, "/api/auth/api-keys(/[^/]+)?", Access.ADMIN),
            rule(READ, "/api/auth/whoami", Access.VIEWER),
            // the combined API description holds no secrets
            rule(READ, "/api/openapi", Access.PUBLIC),
            rule(READ, "/q/health(/(live|ready|started))?", Access.PUBLIC),
            rule(READ, "/q/metrics", Access.MONITORING),
            // monitoring, as the guide's Prometheus and Kubernetes setup expect
            rule(READ, "/api/cloud/health(/(live|ready))?", Access.MONITORING),
            rule(READ, "/api/cloud/metrics/prometheus", Access.MONITORING),
            // provider-facing: authenticated by webhook signature and the provider's allowlist
            rule(ANY, "/api/webhooks/[^/]+(/.*)?", Access.PUBLIC),
            // S3: SigV4 with per-job upload credentials, checked by storage-service
            rule(ANY, "/api/cloud/storage(/.*)?", Access.KEY_OPTIONAL),
            // metrics export configuration: previews read, everything else configures
            rule(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST), "/api/cloud/metrics/config/preview", Access.VIEWER),
            rule(READ, "/api/cloud/metrics/config(/.*)?", Access.VIEWER),
            rule(ANY, "/api/cloud/metrics(/.*)?", Access.ADMIN),
            // providers: configuration is admin, reading it is viewer (secrets are never returned)
            rule(READ, "/api/cloud/providers(/.*)?", Access.VIEWER),
            rule(ANY, "/api/cloud/providers(/.*)?", Access.ADMIN),
            // jobs: operators submit and cancel, viewers read
            rule(READ, "/api/cloud/jobs(/.*)?", Access.VIEWER),
            rule(ANY, "/api/cloud/jobs(/.*)?", Access.OPERATOR),
            // the audit trail
            rule(ANY, "/api/audit(/.*)?", Access.ADMIN));

    public Access accessFor(HttpMethod method, String path) {
        for (Rule rule : RULES) {
            if (rule.matches(method, path)) {
                return rule.access();
            }
        }
        return Access.ADMIN;
    }
}
