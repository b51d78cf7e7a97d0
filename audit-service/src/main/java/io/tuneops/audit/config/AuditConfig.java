package io.tuneops.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.Optional;

/** Ingestion of the audit stream (TUNEOPS_AUDIT_*). */
@ConfigMapping(prefix = "tuneops.audit")
public interface AuditConfig {

    /** Events read and committed per transaction. */
    @WithDefault("500")
    @Min(1)
    @Max(10000)
    int batchSize();

    /** A pending event untouched this long (its consumer died) is claimed by another consumer. */
    @WithDefault("30s")
    @DurationMin(seconds = 1, message = "must be at least 1s")
    Duration reclaimAfter();

    /** This consumer's name in the group; defaults to the host name (the pod name in Kubernetes). */
    Optional<String> consumerName();

    /** HMAC key of the signed checkpoints (TUNEOPS_AUDIT_CHECKPOINT_KEY or ..._FILE). */
    @Size(min = 32, message = "(TUNEOPS_AUDIT_CHECKPOINT_KEY) must be set, at least 32 characters")
    String checkpointKey();

    /** How often a checkpoint of the chain head is signed (when the head moved). */
    @WithDefault("5m")
    @DurationMin(seconds = 1, message = "must be at least 1s")
    Duration checkpointEvery();

    /**
     * How often the whole chain is verified on its own (TUNEOPS_AUDIT_VERIFY_EVERY; 0 turns it off):
     * by one replica per period, counted in tuneops_audit_verifications_total like a requested
     * verification, so the chain-broken alert needs nobody to ask (it looks back one hour: keep this
     * under 1h). A run hashes every stored entry on worker threads.
     */
    @WithDefault("30m")
    Duration verifyEvery();

    /** Entries older than this are deleted (TUNEOPS_AUDIT_RETENTION); a checkpoint at the cut keeps the rest verifiable. */
    @WithDefault("365d")
    @DurationMin(days = 1, message = "must be at least 1 day")
    Duration retention();
}
