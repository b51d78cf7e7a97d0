package io.tuneops.webhook.service.approval;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What an approval rule looks at; {@link #wire()} is the rule's {@code condition}. */
public enum ApprovalCondition {
    COST_EXCEEDS("Estimated cost exceeds threshold (in USD)", "a amount in US dollars, e.g. 25 or 7.50"),
    HARDWARE_TYPE("Specific hardware type is requested", "hardware ids, comma separated, e.g. gpu-h100,gpu-a100-large"),
    PROVIDER("Specific cloud provider is used", "provider names, comma separated, e.g. replicate"),
    USER_LEVEL("User's level is below specified level", "a role: viewer, operator or admin (lead = admin)"),
    DAILY_JOBS_EXCEED("User's daily job count exceeds threshold", "a whole number of jobs per UTC day, e.g. 10"),
    FIRST_JOB("This is the user's first job", "none (leave empty)"),
    CONFIG_PATTERN("Job name or configuration matches a regular expression",
            "an RE2 regular expression, searched in the job's name and in its input JSON");

    private final String description;
    private final String threshold;

    ApprovalCondition(String description, String threshold) {
        this.description = description;
        this.threshold = threshold;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }

    /** What the rule's {@code threshold} holds for this condition. */
    public String thresholdHint() {
        return threshold;
    }

    public static Optional<ApprovalCondition> fromWire(String value) {
        return Arrays.stream(values()).filter(c -> c.wire().equals(value)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ApprovalCondition::wire).toList();
    }
}
