package io.tuneops.webhook.service;

import io.tuneops.webhook.repository.JobRow;

/** What a cancel came to; handled through {@link Cases} for the reason given on {@link SubmitOutcome}. */
public sealed interface CancelOutcome {

    interface Cases<R> {
        R cancelled(Cancelled cancelled);

        R notCancellable(NotCancellable finished);

        R notFound(NotFound missing);

        R cancelFailed(CancelFailed failed);
    }

    <R> R accept(Cases<R> cases);

    record Cancelled(JobRow job) implements CancelOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.cancelled(this);
        }
    }

    /** The job had already reached a terminal state. */
    record NotCancellable(JobRow job) implements CancelOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.notCancellable(this);
        }
    }

    record NotFound(String jobId) implements CancelOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.notFound(this);
        }
    }

    /** The provider could not be told; the job is unchanged. */
    record CancelFailed(JobRow job, String reason) implements CancelOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.cancelFailed(this);
        }
    }
}
