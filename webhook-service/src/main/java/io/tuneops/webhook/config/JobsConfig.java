package io.tuneops.webhook.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tuneops.support.config.HttpBaseUrl;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Duration;

/** Jobs, their upload credentials and webhook intake. */
@ConfigMapping(prefix = "tuneops.jobs")
public interface JobsConfig {

    /**
     * The address providers and training jobs reach tuneops at (TUNEOPS_PUBLIC_URL): webhooks are
     * registered at {public-url}/api/webhooks/{provider}, uploads go to {public-url}/api/cloud/storage
     * unless the provider's s3_public_url says otherwise.
     */
    @WithDefault("http://localhost:8080")
    @HttpBaseUrl
    String publicUrl();

    /** Bucket of every job's upload credentials; the prefix is {job_id}/. */
    @WithDefault("outputs")
    @Pattern(regexp = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", message = "must be a valid S3 bucket name")
    String uploadBucket();

    /** Upload credentials stay valid this long after the job reached a terminal state, for final uploads. */
    @WithDefault("15M")
    Duration uploadGracePeriod();

    /** Upper bound on an upload credential's life, whatever the job does. */
    @WithDefault("7D")
    Duration uploadMaxLifetime();

    /**
     * Largest webhook delivery accepted (TUNEOPS_WEBHOOK_MAX_BODY; the gateway's
     * TUNEOPS_EDGE_MAX_WEBHOOK_BODY has the same default). A long training's deliveries carry its
     * whole log; they are read as they stream, so this bounds the time spent, not the memory.
     * Above quarkus.http.limits.max-body-size (1G) that limit answers first.
     */
    @WithDefault("64M")
    MemorySize maxWebhookBody();

    /**
     * Largest part of a delivery held in memory: every field besides the head of its logs (id,
     * status, output, error, metrics, input and the log's tail). TUNEOPS_WEBHOOK_MAX_FIELDS.
     */
    @WithDefault("1M")
    MemorySize maxWebhookFields();

    /** Logs kept on a job: the tail of what the provider reports. */
    @WithDefault("65536")
    @Min(0)
    int logsTail();

    /**
     * Job logs one replica follows for readers at a time (/logs/stream, TUNEOPS_JOBS_MAX_LOG_STREAMS):
     * each holds a gateway connection to this service while it runs.
     */
    @WithDefault("32")
    @Min(1)
    int maxLogStreams();

    /**
     * Unfinished Replicate jobs not heard of for this long are looked up at Replicate (a webhook
     * that never arrived, or arrived before the job was known), every {@link #reconcileEvery()}.
     */
    @WithDefault("5M")
    Duration reconcileAfter();

    @WithDefault("1M")
    Duration reconcileEvery();

    /**
     * A Replicate job still pending without a training id this long after it was handed to the
     * provider (TUNEOPS_JOBS_SUBMIT_ABANDONED_AFTER; never before a create call in flight could have ended) is
     * failed by the reconciler: its submission was interrupted (tuneops stopped between storing
     * the job and storing Replicate's answer), and nothing else would end it or free its quota.
     */
    @WithDefault("15M")
    Duration submitAbandonedAfter();

    /** AES-256-GCM key material for provider secrets and upload credentials (TUNEOPS_ENCRYPTION_KEY). */
    @Size(min = 32, message = "must be at least 32 characters of random data")
    String encryptionKey();
}
