package io.tuneops.webhook.service.approval;

/** What an approve, reject or cancel came to; handled through {@link Cases} (no instanceof ladders). */
public sealed interface DecisionOutcome {

    interface Cases<R> {
        R decided(Decided decided);

        R notFound(NotFound missing);

        R refused(Refused refused);

        R conflict(Conflict conflict);
    }

    <R> R accept(Cases<R> cases);

    /** Why it failed, in words for a bulk result; null when it succeeded. */
    default String error() {
        return null;
    }

    /** The decision stands (committed); an approved job has been handed to its provider. */
    record Decided(ApprovalRequest request) implements DecisionOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.decided(this);
        }
    }

    record NotFound(String requestId) implements DecisionOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.notFound(this);
        }

        @Override
        public String error() {
            return "Approval request not found: " + requestId;
        }
    }

    /** The caller may not make this decision (role, or their own job); nothing changed. */
    record Refused(String reason) implements DecisionOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.refused(this);
        }

        @Override
        public String error() {
            return reason;
        }
    }

    /** The request is no longer pending, or its job no longer waits; nothing changed. */
    record Conflict(String reason, ApprovalRequest request) implements DecisionOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.conflict(this);
        }

        @Override
        public String error() {
            return reason;
        }
    }
}
