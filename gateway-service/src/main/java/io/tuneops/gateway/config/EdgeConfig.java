package io.tuneops.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits and headers at the edge (TUNEOPS_EDGE_*). */
@ConfigMapping(prefix = "tuneops.edge")
public interface EdgeConfig {

    /** Largest request body on the JSON APIs. */
    @WithDefault("10M")
    MemorySize maxApiBody();

    /**
     * Largest provider webhook delivery to a receiver, POST /api/webhooks/{provider} (TUNEOPS_EDGE_MAX_WEBHOOK_BODY):
     * Replicate sends a training's whole log in each one, so a long training's deliveries are large.
     * Streamed through, never held in memory whole.
     */
    @WithDefault("64M")
    MemorySize maxWebhookBody();

    /** Strict-Transport-Security max-age, sent when the client reached us over TLS. */
    @WithDefault("31536000")
    long hstsMaxAgeSeconds();
}
