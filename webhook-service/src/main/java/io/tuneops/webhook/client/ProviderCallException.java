package io.tuneops.webhook.client;

/** A provider call that failed; {@code status} is the provider's HTTP status, 0 when there was no answer. */
public class ProviderCallException extends RuntimeException {

    private final int status;

    public ProviderCallException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Only failures that say the provider is unwell count against its circuit breaker. */
    public boolean providerUnwell() {
        return status == 0 || status == 429 || status >= 500;
    }
}
