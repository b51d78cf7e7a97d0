package io.tuneops.gateway.metrics;

import io.tuneops.gateway.routing.RoutePatterns;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Names a request's endpoint as the guide's HTTP metrics do ({@code POST_/api/cloud/jobs/submit}),
 * with ids replaced by their parameter name so that the number of series stays bounded.
 */
public final class EndpointTemplates {

    /** @param method null: any method */
    private record Template(String method, String literalPrefix, Pattern path, String name) {
        boolean matches(String m, String p) {
            return (method == null || method.equals(m)) && p.startsWith(literalPrefix) && path.matcher(p).matches();
        }
    }

    private static final String ID = "[^/]+";
    private static final List<Template> TEMPLATES = List.of(
            t("/api/auth/api-keys", "/api/auth/api-keys"),
            t("/api/auth/api-keys/" + ID, "/api/auth/api-keys/{id}"),
            t("/api/auth/whoami", "/api/auth/whoami"),
            // a provider's receiver is a POST to one segment; the other methods there manage an event webhook
            post("/api/webhooks/" + ID, "/api/webhooks/{provider}"),
            t("/api/webhooks", "/api/webhooks"),
            t("/api/webhooks/events", "/api/webhooks/events"),
            t("/api/webhooks/" + ID, "/api/webhooks/{id}"),
            t("/api/webhooks/" + ID + "/test", "/api/webhooks/{id}/test"),
            t("/api/webhooks/" + ID + "/history", "/api/webhooks/{id}/history"),
            t("/api/cloud/notifications/(channels|preferences|events|presets|history|status|skip)", null),
            t("/api/cloud/notifications/channels/" + ID, "/api/cloud/notifications/channels/{id}"),
            t("/api/cloud/notifications/channels/" + ID + "/test", "/api/cloud/notifications/channels/{id}/test"),
            t("/api/cloud/notifications/preferences/" + ID, "/api/cloud/notifications/preferences/{id}"),
            t("/api/cloud/notifications/presets/" + ID, "/api/cloud/notifications/presets/{id}"),
            t("/api/cloud/notifications/history/" + ID + "/retry", "/api/cloud/notifications/history/{id}/retry"),
            t("/api/cloud/providers", "/api/cloud/providers"),
            t("/api/cloud/providers/" + ID, "/api/cloud/providers/{provider}"),
            t("/api/cloud/providers/" + ID + "/config", "/api/cloud/providers/{provider}/config"),
            t("/api/cloud/jobs", "/api/cloud/jobs"),
            t("/api/cloud/jobs/submit", "/api/cloud/jobs/submit"),
            t("/api/cloud/jobs/" + ID, "/api/cloud/jobs/{job_id}"),
            t("/api/cloud/jobs/" + ID + "/cancel", "/api/cloud/jobs/{job_id}/cancel"),
            t("/api/cloud/jobs/" + ID + "/logs", "/api/cloud/jobs/{job_id}/logs"),
            t("/api/cloud/jobs/" + ID + "/logs/stream", "/api/cloud/jobs/{job_id}/logs/stream"),
            t("/api/cloud/jobs/" + ID + "/inline-progress", "/api/cloud/jobs/{job_id}/inline-progress"),
            t("/api/cloud/storage/?", "/api/cloud/storage"),
            t("/api/cloud/storage/" + ID + "/?", "/api/cloud/storage/{bucket}"),
            t("/api/cloud/storage/" + ID + "/.+", "/api/cloud/storage/{bucket}/{key}"),
            t("/api/cloud/metrics/prometheus", "/api/cloud/metrics/prometheus"),
            t("/api/cloud/metrics/config", "/api/cloud/metrics/config"),
            t("/api/cloud/metrics/config/categories", "/api/cloud/metrics/config/categories"),
            t("/api/cloud/metrics/config/preview", "/api/cloud/metrics/config/preview"),
            t("/api/cloud/metrics/config/templates", "/api/cloud/metrics/config/templates"),
            t("/api/cloud/metrics/config/(templates|apply-template)/" + ID, "/api/cloud/metrics/config/templates/{name}"),
            t("/api/cloud/health(/live|/ready)?", null),
            t("/api/metrics/prometheus", "/api/metrics/prometheus"),
            t("/api/metrics/config", "/api/metrics/config"),
            t("/api/metrics/config/categories", "/api/metrics/config/categories"),
            t("/api/metrics/config/preview", "/api/metrics/config/preview"),
            t("/api/metrics/config/templates", "/api/metrics/config/templates"),
            t("/api/metrics/config/(templates|apply-template)/" + ID, "/api/metrics/config/templates/{name}"),
            t("/api/metrics/health(/live|/ready)?", null),
            t("/api/audit", "/api/audit"),
            t("/api/audit/(stats|types|verify)", null),
            t("/api/auth/session(/end)?", null),
            t("/api/auth/(login|logout|me|status)", null),
            t("/api/users", "/api/users"),
            t("/api/users/me", "/api/users/me"),
            t("/api/users/" + ID, "/api/users/{id}"),
            t("/api/users/" + ID + "/api-keys", "/api/users/{id}/api-keys"),
            t("/api/users/" + ID + "/api-keys/" + ID, "/api/users/{id}/api-keys/{key}"),
            t("/api/orgs", "/api/orgs"),
            t("/api/orgs/" + ID, "/api/orgs/{org}"),
            t("/api/orgs/" + ID + "/members", "/api/orgs/{org}/members"),
            t("/api/orgs/" + ID + "/teams", "/api/orgs/{org}/teams"),
            t("/api/orgs/" + ID + "/quotas", "/api/orgs/{org}/quotas"),
            t("/api/orgs/" + ID + "/teams/" + ID, "/api/orgs/{org}/teams/{team}"),
            t("/api/orgs/" + ID + "/teams/" + ID + "/members", "/api/orgs/{org}/teams/{team}/members"),
            t("/api/orgs/" + ID + "/teams/" + ID + "/quotas", "/api/orgs/{org}/teams/{team}/quotas"),
            t("/api/orgs/" + ID + "/teams/" + ID + "/members/" + ID, "/api/orgs/{org}/teams/{team}/members/{user}"),
            t("/api/cloud/(hardware-options|cost-estimate)", null),
            t("/api/quotas", "/api/quotas"),
            t("/api/quotas/(types|me|status|cost-estimate)", null),
            t("/api/quotas/user/" + ID, "/api/quotas/user/{id}"),
            t("/api/quotas/" + ID, "/api/quotas/{id}"),
            t("/api/approvals/(me|conditions|expire|rules|requests)", null),
            t("/api/approvals/rules/" + ID, "/api/approvals/rules/{id}"),
            t("/api/approvals/requests/(pending/count|bulk-approve|bulk-reject)", null),
            t("/api/approvals/requests/job/" + ID, "/api/approvals/requests/job/{job_id}"),
            t("/api/approvals/requests/" + ID, "/api/approvals/requests/{id}"),
            t("/api/approvals/requests/" + ID + "/(approve|reject|cancel)", "/api/approvals/requests/{id}/{action}"),
            // the console's pages, after the API: an API path never gets this far
            t("/", null),
            t("/sign-in", null),
            t("/jobs", null),
            t("/jobs/rows", null),
            t("/jobs/" + ID, "/jobs/{job_id}"),
            t("/jobs/" + ID + "/live", "/jobs/{job_id}/live"),
            t("/jobs/" + ID + "/cancel", "/jobs/{job_id}/cancel"),
            t("/jobs/" + ID + "/delete", "/jobs/{job_id}/delete"),
            t("/submit", null),
            t("/providers", null),
            t("/providers/" + ID, "/providers/{provider}"),
            t("/metrics", null),
            t("/health", null),
            t("/audit", null),
            t("/keys", null),
            t("/(users|teams|quotas|approvals)", null),
            t("/notifications(/preferences|/history)?", null),
            t("/notifications/channels/" + ID, "/notifications/channels/{id}"),
            t("/notifications/channels/" + ID + "/(test|delete)", "/notifications/channels/{id}/{action}"),
            t("/notifications/preferences/" + ID + "/delete", "/notifications/preferences/{id}/delete"),
            t("/notifications/(preferences/mute|history/" + ID + "/retry)", "/notifications/{change}"),
            t("/assets/.+", "/assets/{asset}"));

    private static Template t(String regex, String name) {
        return new Template(null, RoutePatterns.literalPrefix(regex), Pattern.compile(regex), name);
    }

    private static Template post(String regex, String name) {
        return new Template("POST", RoutePatterns.literalPrefix(regex), Pattern.compile(regex), name);
    }

    private EndpointTemplates() {
    }

    /** {@code METHOD_/template}; unknown paths are all {@code METHOD_other}. */
    public static String of(String method, String path) {
        return name(method, template(method, path));
    }

    /** The endpoint name of a template found by {@link #template}. */
    static String name(String method, String template) {
        return method + "_" + (template == null ? "other" : template);
    }

    /** The request's template ({@code /api/cloud/jobs/{job_id}}), its path for fixed paths, null when unknown. */
    static String template(String method, String path) {
        for (Template template : TEMPLATES) {
            if (template.matches(method, path)) {
                return template.name() == null ? path : template.name();
            }
        }
        return null;
    }
}
