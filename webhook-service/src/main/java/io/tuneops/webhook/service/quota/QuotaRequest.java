package io.tuneops.webhook.service.quota;

import io.tuneops.webhook.service.FieldError;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A validated quota to create. On {@code /api/quotas} the body names at most one of user_id,
 * org_id, team_id (none: global); on an organisation's or team's route the path names the scope.
 * Ids are the gateway's, in their id form ({@code usr_...}, {@code org_...}, {@code team_...}):
 * a job carries those, so a quota under a slug or a username would apply to no one. This service
 * cannot read the gateway's people to turn a slug into an id, so it refuses one.
 */
public record QuotaRequest(QuotaType type, BigDecimal limit, QuotaAction action, QuotaScope scope, String orgId,
                           String teamId, String userId) {

    /** The largest limit the quota table holds (numeric(14, 6)). */
    public static final BigDecimal MAX_LIMIT = new BigDecimal("99999999.999999");
    private static final int MAX_ID = 128;
    private static final Set<String> FIELDS = Set.of("quota_type", "limit_value", "action", "user_id", "org_id", "team_id");

    public record Parsed(QuotaRequest request, List<FieldError> errors) {
    }

    /** A body of {@code /api/quotas}: its scope is the one id it names. */
    public static Parsed parse(JsonObject body) {
        List<FieldError> errors = new ArrayList<>();
        Common common = common(body, errors);
        String userId = id(body, "user_id", errors);
        String orgId = id(body, "org_id", errors);
        String teamId = id(body, "team_id", errors);
        long named = Arrays.asList(userId, orgId, teamId).stream().filter(v -> v != null).count();
        if (named > 1) {
            errors.add(new FieldError("user_id", "name at most one of user_id, org_id, team_id (none: a global quota)"));
        }
        QuotaScope scope = userId != null ? QuotaScope.USER : orgId != null ? QuotaScope.ORG
                : teamId != null ? QuotaScope.TEAM : QuotaScope.GLOBAL;
        return new Parsed(new QuotaRequest(common.type, common.limit, common.action, scope, orgId, teamId, userId), errors);
    }

    /** A body of an organisation's route ({@code teamId} null) or a team's: the path decides the scope. */
    public static Parsed parseScoped(JsonObject body, String orgId, String teamId) {
        List<FieldError> errors = new ArrayList<>();
        Common common = common(body, errors);
        if (body.getValue("user_id") != null) {
            errors.add(new FieldError("user_id", "a user quota is created on /api/quotas"));
        }
        String bodyOrg = id(body, "org_id", errors);
        if (bodyOrg != null && !bodyOrg.equals(orgId)) {
            errors.add(new FieldError("org_id", "must be the organisation of the path, or left out"));
        }
        String bodyTeam = id(body, "team_id", errors);
        if (bodyTeam != null && !bodyTeam.equals(teamId)) {
            errors.add(new FieldError("team_id", teamId == null ? "a team quota is created on the team's route"
                    : "must be the team of the path, or left out"));
        }
        QuotaScope scope = teamId == null ? QuotaScope.ORG : QuotaScope.TEAM;
        return new Parsed(new QuotaRequest(common.type, common.limit, common.action, scope, orgId, teamId, null), errors);
    }

    private record Common(QuotaType type, BigDecimal limit, QuotaAction action) {
    }

    private static Common common(JsonObject body, List<FieldError> errors) {
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError(field, "unknown field; accepted: " + String.join(", ", new TreeSet<>(FIELDS))));
            }
        }
        Object typeValue = body.getValue("quota_type");
        QuotaType type = typeValue instanceof String s ? QuotaType.fromWire(s).orElse(null) : null;
        if (type == null) {
            errors.add(new FieldError("quota_type", "required, one of " + String.join(", ",
                    Arrays.stream(QuotaType.values()).map(QuotaType::wire).toList())));
        }
        Object limitValue = body.getValue("limit_value");
        BigDecimal limit = null;
        if (limitValue instanceof Number n && !(n instanceof Double d && (d.isNaN() || d.isInfinite()))
                && !(n instanceof Float f && (f.isNaN() || f.isInfinite()))) {
            limit = new BigDecimal(n.toString());
        }
        if (limit == null || limit.signum() <= 0 || limit.compareTo(MAX_LIMIT) > 0 || limit.scale() > 6) {
            errors.add(new FieldError("limit_value", "required, a number above 0 and at most " + MAX_LIMIT.toPlainString()
                    + " with at most 6 decimals"));
            limit = null;
        } else if (type != null && !type.cost() && limit.stripTrailingZeros().scale() > 0) {
            errors.add(new FieldError("limit_value", "a number of jobs is a whole number"));
        }
        Object actionValue = body.getValue("action");
        QuotaAction action = actionValue == null ? QuotaAction.BLOCK
                : actionValue instanceof String s ? QuotaAction.fromWire(s).orElse(null) : null;
        if (action == null) {
            errors.add(new FieldError("action", "one of " + String.join(", ",
                    Arrays.stream(QuotaAction.values()).map(QuotaAction::wire).toList()) + " (default block)"));
        }
        return new Common(type, limit, action);
    }

    private static String id(JsonObject body, String field, List<FieldError> errors) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        IdKind kind = IdKind.of(field);
        if (value instanceof Number) {
            // the original's ids were integers, and its client still sends them so
            errors.add(new FieldError(field, "ids are strings such as " + kind.prefix + "_0a1b2c..., not numbers"));
            return null;
        }
        String problem = value instanceof String s ? idProblem(field, s)
                : "must be an id, a string such as " + kind.prefix + "_0a1b2c...";
        if (problem != null) {
            errors.add(new FieldError(field, problem));
            return null;
        }
        return (String) value;
    }

    /** Why {@code value} is not an id of the kind {@code field} names (user_id, org_id, team_id); null when it is one. */
    public static String idProblem(String field, String value) {
        IdKind kind = IdKind.of(field);
        if (value.isBlank() || value.length() > MAX_ID || value.chars().anyMatch(Character::isISOControl)) {
            return "must be an id, a string such as " + kind.prefix + "_0a1b2c... of at most " + MAX_ID + " characters";
        }
        if (!value.startsWith(kind.prefix + "_")) {
            return "'" + value + "' is not " + kind.noun + " id (" + kind.prefix + "_...): quotas take the gateway's id, "
                    + "not a slug or a name; " + kind.lookup + " shows it";
        }
        return null;
    }

    /** The gateway's ids (people.md): slugs are lower-case letters, digits and hyphens, so never carry these prefixes. */
    private enum IdKind {
        USER("usr", "a user", "GET /api/users"),
        ORG("org", "an organisation", "GET /api/orgs"),
        TEAM("team", "a team", "GET /api/orgs/{org}/teams");

        final String prefix;
        final String noun;
        final String lookup;

        IdKind(String prefix, String noun, String lookup) {
            this.prefix = prefix;
            this.noun = noun;
            this.lookup = lookup;
        }

        static IdKind of(String field) {
            return switch (field) {
                case "user_id" -> USER;
                case "org_id" -> ORG;
                case "team_id" -> TEAM;
                default -> throw new IllegalArgumentException("not an id field: " + field);
            };
        }
    }
}
