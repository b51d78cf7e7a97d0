package io.tuneops.webhook.service;

import io.tuneops.webhook.repository.JobRow;

/** What a delete came to; handled through {@link Cases} for the reason given on {@link SubmitOutcome}. */
public sealed interface DeleteOutcome {

    interface Cases<R> {
        R deleted(Deleted deleted);

        R notFinished(NotFinished running);

        R notFound(NotFound missing);
    }

    <R> R accept(Cases<R> cases);

    record Deleted(String jobId) implements DeleteOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.deleted(this);
        }
    }

    /** Only jobs in a terminal state are deleted; this one is still going. */
    record NotFinished(JobRow job) implements DeleteOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.notFinished(this);
        }
    }

    record NotFound(String jobId) implements DeleteOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.notFound(this);
        }
    }
}
