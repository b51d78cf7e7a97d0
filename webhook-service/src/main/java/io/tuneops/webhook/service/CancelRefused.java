package io.tuneops.webhook.service;

/**
 * A cancel the caller may not make (a held job of someone else, without the role its approval
 * request needs); nothing changed. A failure rather than a {@link CancelOutcome}, so that every
 * route cancelling jobs answers it (403) without a case of its own.
 */
public final class CancelRefused extends RuntimeException {

    public CancelRefused(String reason) {
        super(reason, null, false, false);
    }
}
