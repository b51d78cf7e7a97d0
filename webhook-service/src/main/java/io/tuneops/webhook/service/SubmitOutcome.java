package io.tuneops.webhook.service;

import io.tuneops.webhook.repository.JobRow;

import java.util.List;

/**
 * What a job submission came to. Callers handle it through {@link Cases}, one method per outcome:
 * Java 17 has no pattern switch, and this way a new outcome does not compile until every caller
 * handles it, where an instanceof chain would fall through to its last branch.
 */
public sealed interface SubmitOutcome {

    interface Cases<R> {
        R created(Created created);

        R held(Held held);

        R replayed(Replayed replayed);

        R blocked(Blocked blocked);

        R providerFailed(ProviderFailed failed);
    }

    <R> R accept(Cases<R> cases);

    /**
     * A new job, with the upload credentials its submitter sees this once and what the quotas warn
     * about (an exceeded warn quota, a quota nearly reached).
     */
    record Created(JobRow job, UploadCredentials.Issued credentials, List<String> quotaWarnings) implements SubmitOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.created(this);
        }
    }

    /**
     * A new job stored as pending_approval: not sent to its provider, and its upload credentials
     * (shown this once) work only from its release; {@code approvalRequestId} is the request an
     * approver decides.
     */
    record Held(JobRow job, UploadCredentials.Issued credentials, String approvalRequestId, String reason,
                List<String> quotaWarnings) implements SubmitOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.held(this);
        }
    }

    /** The caller already submitted under this idempotency key: that job, without credentials. */
    record Replayed(JobRow job) implements SubmitOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.replayed(this);
        }
    }

    /** A blocking cost limit or quota refused the job; nothing was stored. */
    record Blocked(String reason) implements SubmitOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.blocked(this);
        }
    }

    /** The job was stored but the provider did not take it; the job is failed. */
    record ProviderFailed(JobRow job, String reason) implements SubmitOutcome {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.providerFailed(this);
        }
    }
}
