package io.tuneops.webhook.service.approval;

import io.tuneops.webhook.service.FieldError;

import java.util.List;

/** What creating or changing a rule came to; handled through {@link Cases} (no instanceof ladders). */
public sealed interface RuleOutcome {

    interface Cases<R> {
        R saved(Saved saved);

        R notFound(NotFound missing);

        R invalid(Invalid invalid);
    }

    <R> R accept(Cases<R> cases);

    record Saved(ApprovalRule rule) implements RuleOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.saved(this);
        }
    }

    record NotFound(String ruleId) implements RuleOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.notFound(this);
        }
    }

    /** The body is wrong; nothing changed. */
    record Invalid(List<FieldError> errors) implements RuleOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.invalid(this);
        }
    }
}
