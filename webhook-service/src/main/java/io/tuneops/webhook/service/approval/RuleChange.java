package io.tuneops.webhook.service.approval;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.approval.Submitter.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A rule body (POST, or PATCH over the stored rule) checked field by field: every wrong field is
 * named, and the threshold is checked against the condition it belongs to (a regular expression
 * must compile, an amount must be a number) so that evaluating a stored rule never fails.
 */
public final class RuleChange {

    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 2000;
    static final int MAX_PATTERN = 1000;
    static final int MAX_PRIORITY = 1_000_000;
    /** Fields a client may send back from a rule it read; they are not changed by a body. */
    private static final Set<String> READ_ONLY = Set.of("id", "created_at", "created_by");
    private static final Set<String> FIELDS = Set.of("name", "description", "condition", "threshold", "is_active", "priority",
            "applies_to_provider", "applies_to_level", "exempt_levels", "required_approver_level");
    private static final java.util.regex.Pattern HARDWARE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");

    /** The rule to store, or what is wrong with the body. */
    public record Parsed(ApprovalRule rule, List<FieldError> errors) {
    }

    private RuleChange() {
    }

    /** A new rule: name and condition are required; the rest defaults as the original's did. */
    public static Parsed create(JsonObject body, String id, String actor) {
        ApprovalRule defaults = new ApprovalRule(id, null, "", null, "", true, 0, null, null, List.of(), Role.ADMIN, null, actor);
        return apply(body, defaults, true);
    }

    /** The stored rule with the body's fields applied; absent fields keep their value. */
    public static Parsed update(JsonObject body, ApprovalRule stored) {
        return apply(body, stored, false);
    }

    private static Parsed apply(JsonObject body, ApprovalRule base, boolean creating) {
        List<FieldError> errors = new ArrayList<>();
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field) && !READ_ONLY.contains(field)) {
                errors.add(new FieldError(field, "unknown field; rules have " + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        }
        String name = text(body, "name", base.name(), MAX_NAME, false, errors);
        if ((name == null || name.isBlank()) && errors.stream().noneMatch(e -> e.field().equals("name"))) {
            errors.add(new FieldError("name", body.containsKey("name") ? "must not be blank" : "is required"));
        }
        String description = text(body, "description", base.description(), MAX_DESCRIPTION, true, errors);
        ApprovalCondition condition = base.condition();
        if (body.containsKey("condition")) {
            Object value = body.getValue("condition");
            condition = value instanceof String s ? ApprovalCondition.fromWire(s).orElse(null) : null;
            if (condition == null) {
                errors.add(new FieldError("condition", "must be one of " + String.join(", ", ApprovalCondition.wireNames())));
            }
        } else if (creating) {
            errors.add(new FieldError("condition", "is required: one of " + String.join(", ", ApprovalCondition.wireNames())));
        }
        String threshold = base.threshold();
        if (body.containsKey("threshold")) {
            Object value = body.getValue("threshold");
            if (value instanceof String s && controlCharacter(s, false)) {
                errors.add(new FieldError("threshold", "must not contain control characters"));
            } else if (value instanceof String || value instanceof Number) {
                threshold = value.toString().trim();
            } else if (value == null) {
                threshold = "";
            } else {
                errors.add(new FieldError("threshold", "must be a string"));
            }
        }
        if (condition != null && errors.stream().noneMatch(e -> e.field().equals("threshold"))) {
            Optional<String> normalised = threshold(condition, threshold == null ? "" : threshold, errors);
            threshold = normalised.orElse(threshold);
        }
        boolean active = base.active();
        if (body.containsKey("is_active")) {
            if (body.getValue("is_active") instanceof Boolean b) {
                active = b;
            } else {
                errors.add(new FieldError("is_active", "must be true or false"));
            }
        }
        int priority = base.priority();
        if (body.containsKey("priority")) {
            Object value = body.getValue("priority");
            if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    && Math.abs(n.doubleValue()) <= MAX_PRIORITY) {
                priority = n.intValue();
            } else {
                errors.add(new FieldError("priority", "must be a whole number from -" + MAX_PRIORITY + " to " + MAX_PRIORITY));
            }
        }
        Provider provider = base.appliesToProvider();
        if (body.containsKey("applies_to_provider")) {
            Object value = body.getValue("applies_to_provider");
            provider = value == null || "".equals(value) ? null
                    : value instanceof String s ? Provider.fromWire(s.trim().toLowerCase(Locale.ROOT)).orElse(null) : null;
            if (provider == null && value != null && !"".equals(value)) {
                errors.add(new FieldError("applies_to_provider", "must be null or one of " + String.join(", ", Provider.wireNames())));
            }
        }
        Role appliesToLevel = base.appliesToLevel();
        if (body.containsKey("applies_to_level")) {
            Object value = body.getValue("applies_to_level");
            appliesToLevel = value == null || "".equals(value) ? null : level(value, "applies_to_level", errors);
        }
        List<Role> exempt = base.exemptLevels();
        if (body.containsKey("exempt_levels")) {
            Object value = body.getValue("exempt_levels");
            if (value == null) {
                exempt = List.of();
            } else if (value instanceof JsonArray array) {
                Set<Role> roles = new LinkedHashSet<>();
                for (Object item : array) {
                    Role role = level(item, "exempt_levels", errors);
                    if (role != null) {
                        roles.add(role);
                    }
                }
                exempt = List.copyOf(roles);
            } else {
                errors.add(new FieldError("exempt_levels", "must be a list of roles (viewer, operator, admin)"));
            }
        }
        Role approver = base.requiredApproverLevel();
        if (body.containsKey("required_approver_level")) {
            Role role = level(body.getValue("required_approver_level"), "required_approver_level", errors);
            approver = role == null ? approver : role;
        }
        if (!errors.isEmpty()) {
            return new Parsed(null, errors);
        }
        return new Parsed(new ApprovalRule(base.id(), name.trim(), description == null ? "" : description, condition, threshold,
                active, priority, provider, appliesToLevel, exempt, approver, base.createdAt(), base.createdBy()), List.of());
    }

    /** The threshold as stored for the condition, or empty with an error added. */
    static Optional<String> threshold(ApprovalCondition condition, String value, List<FieldError> errors) {
        String problem = switch (condition) {
            case COST_EXCEEDS -> {
                try {
                    BigDecimal amount = new BigDecimal(value);
                    yield amount.signum() < 0 || amount.compareTo(BigDecimal.valueOf(1_000_000_000)) > 0
                            ? "must be an amount in US dollars from 0 to 1000000000" : null;
                } catch (NumberFormatException e) {
                    yield "must be an amount in US dollars, e.g. 25 or 7.50";
                }
            }
            case HARDWARE_TYPE -> items(value).isEmpty() || !items(value).stream().allMatch(h -> HARDWARE_ID.matcher(h).matches())
                    ? "must be hardware ids separated by commas, e.g. gpu-h100,gpu-a100-large" : null;
            case PROVIDER -> items(value).isEmpty() || !Provider.wireNames().containsAll(items(value))
                    ? "must be provider names separated by commas: " + String.join(", ", Provider.wireNames()) : null;
            case USER_LEVEL -> Levels.parse(value).isEmpty() ? "must be a role: viewer, operator or admin (lead = admin)" : null;
            case DAILY_JOBS_EXCEED -> {
                try {
                    long n = Long.parseLong(value);
                    yield n < 0 || n > 1_000_000 ? "must be a whole number of jobs from 0 to 1000000" : null;
                } catch (NumberFormatException e) {
                    yield "must be a whole number of jobs, e.g. 10";
                }
            }
            case FIRST_JOB -> value.length() > MAX_NAME ? "is not used by first_job; leave it empty" : null;
            case CONFIG_PATTERN -> {
                if (value.isEmpty() || value.length() > MAX_PATTERN) {
                    yield "must be a regular expression of 1 to " + MAX_PATTERN + " characters";
                }
                try {
                    Pattern.compile(value);
                    yield null;
                } catch (PatternSyntaxException e) {
                    yield "is not a valid RE2 regular expression: " + e.getDescription();
                }
            }
        };
        if (problem != null) {
            errors.add(new FieldError("threshold", problem));
            return Optional.empty();
        }
        return Optional.of(switch (condition) {
            case COST_EXCEEDS -> new BigDecimal(value).stripTrailingZeros().toPlainString();
            case HARDWARE_TYPE, PROVIDER -> String.join(",", items(value));
            case USER_LEVEL -> Levels.parse(value).orElseThrow().wire();
            case DAILY_JOBS_EXCEED -> Long.toString(Long.parseLong(value));
            case FIRST_JOB, CONFIG_PATTERN -> value;
        });
    }

    private static List<String> items(String value) {
        return Arrays.stream(value.split(",")).map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new)).stream().toList();
    }

    /**
     * Whether {@code s} holds a C0 control character (U+0000 to U+001F) or DEL, tab and line breaks
     * aside where {@code multiline}: PostgreSQL cannot store U+0000 in text at all, and the others
     * have no place in a name or a threshold.
     */
    public static boolean controlCharacter(String s, boolean multiline) {
        return s.chars().anyMatch(c -> (c < 0x20 || c == 0x7f) && !(multiline && (c == '\t' || c == '\n' || c == '\r')));
    }

    private static String text(JsonObject body, String field, String current, int max, boolean multiline,
                               List<FieldError> errors) {
        if (!body.containsKey(field)) {
            return current;
        }
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            errors.add(new FieldError(field, "must be a string"));
            return current;
        }
        if (s.length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
        }
        if (controlCharacter(s, multiline)) {
            errors.add(new FieldError(field, multiline ? "must not contain control characters other than tab and line breaks"
                    : "must not contain control characters"));
        }
        return s;
    }

    private static Role level(Object value, String field, List<FieldError> errors) {
        Optional<Role> role = value instanceof String s ? Levels.parse(s) : Optional.empty();
        if (role.isEmpty()) {
            errors.add(new FieldError(field, "must be a role: viewer, operator or admin (lead = admin)"));
            return null;
        }
        return role.get();
    }
}
