package io.tuneops.gateway.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tuneops.gateway.config.RateLimitConfig;
import io.tuneops.gateway.config.RateLimitConfig.FailureMode;
import io.tuneops.gateway.routing.ConsolePolling;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The guide's default rules, its excluded paths, RATE_LIMIT_CALLS / RATE_LIMIT_PERIOD for
 * everything else, and custom rules from TUNEOPS_RATE_LIMIT_CUSTOM_RULES tried first.
 */
@ApplicationScoped
public class RateLimitRules {

    public static final String STORAGE = "storage";
    public static final String WEBHOOKS = "webhooks";

    /**
     * The guide's excluded paths, each pod's own probes and metrics under /q/, and the console's
     * fingerprinted assets (what the guide's /static/ was: cached for a year, fetched once).
     */
    private static final Pattern EXCLUDED = Pattern.compile(
            "/health(/.*)?|/api/cloud/health(/.*)?|/api/metrics/health(/.*)?|/q/.*|/api/events/stream(/.*)?|/static/.*|/assets/.*"
                    + "|/api/cloud/hints(/.*)?|/api/users/me|/api/cloud/providers");

    private final List<RateLimitRule> rules;
    private final boolean enabled;

    public RateLimitRules(RateLimitConfig config, ObjectMapper json) {
        this.enabled = config.calls() > 0;
        FailureMode mode = config.onRedisFailure();
        List<RateLimitRule> all = new ArrayList<>(custom(config.customRules().orElse(null), json, mode));
        Duration minute = Duration.ofSeconds(60);
        Set<HttpMethod> post = Set.of(HttpMethod.POST);
        all.add(new RateLimitRule("login", Pattern.compile("^/api/auth/login"), 5, minute, post, mode));
        all.add(new RateLimitRule("register", Pattern.compile("^/api/auth/register"), 3, minute, post, mode));
        all.add(new RateLimitRule("api-keys", Pattern.compile("^/api/auth/api-keys"), 10, minute, post, mode));
        all.add(new RateLimitRule("job-cancel", Pattern.compile("^/api/cloud/jobs/.+/cancel"), 30, minute, post, mode));
        all.add(new RateLimitRule("job-submit", Pattern.compile("^/api/cloud/jobs(/submit)?/?$"), 20, minute, post, mode));
        all.add(new RateLimitRule(WEBHOOKS, Pattern.compile("^/api/webhooks/"), 100, minute, null, mode));
        all.add(new RateLimitRule(STORAGE, Pattern.compile("^/api/cloud/storage(/|$)"), 50, minute, null, mode));
        // an open jobs list or job page refreshes every second: a few tabs must fit beside other work
        all.add(new RateLimitRule("console-live", ConsolePolling.PATHS, 300, minute, null, mode));
        all.add(new RateLimitRule("quotas", Pattern.compile("^/api/quotas/"), 30, minute, null, mode));
        all.add(new RateLimitRule("default", Pattern.compile("^/"), config.calls(),
                Duration.ofSeconds(config.period()), null, mode));
        this.rules = List.copyOf(all);
    }

    /** The rule that applies, or null when the path is excluded or rate limiting is off. */
    public RateLimitRule match(HttpMethod method, String path) {
        if (!enabled || EXCLUDED.matcher(path).matches()) {
            return null;
        }
        for (RateLimitRule rule : rules) {
            if (rule.matches(method, path)) {
                return rule;
            }
        }
        return null;
    }

    static List<RateLimitRule> custom(String text, ObjectMapper json, FailureMode defaultMode) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<RateLimitRule> custom = new ArrayList<>();
        try {
            JsonNode root = json.readTree(text);
            if (!root.isArray()) {
                throw invalid("must be a JSON array of rules");
            }
            int i = 0;
            for (JsonNode node : root) {
                String where = "rule " + i++;
                Pattern pattern = Pattern.compile(required(node, "pattern", where).asText());
                int calls = required(node, "calls", where).asInt(-1);
                int period = required(node, "period", where).asInt(-1);
                if (calls < 1 || period < 1) {
                    throw invalid(where + ": calls and period must be positive integers");
                }
                Set<HttpMethod> methods = null;
                if (node.hasNonNull("methods")) {
                    methods = new LinkedHashSet<>();
                    for (JsonNode m : node.get("methods")) {
                        methods.add(HttpMethod.valueOf(m.asText().toUpperCase(Locale.ROOT)));
                    }
                }
                FailureMode mode = defaultMode;
                if (node.hasNonNull("on_redis_failure")) {
                    mode = FailureMode.valueOf(node.get("on_redis_failure").asText().toUpperCase(Locale.ROOT));
                }
                custom.add(new RateLimitRule("custom-" + (i - 1), pattern, calls, Duration.ofSeconds(period), methods, mode));
            }
        } catch (PatternSyntaxException e) {
            throw invalid("a pattern is not a valid regular expression: " + e.getDescription());
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("TUNEOPS_RATE_LIMIT_CUSTOM_RULES") ? e
                    : invalid(e.getMessage());
        } catch (Exception e) {
            throw invalid("is not valid JSON: " + e.getMessage());
        }
        return custom;
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        if (!node.hasNonNull(field)) {
            throw invalid(where + ": '" + field + "' is required");
        }
        return node.get(field);
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("TUNEOPS_RATE_LIMIT_CUSTOM_RULES " + why);
    }
}
