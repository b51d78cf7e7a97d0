package io.tuneops.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

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
    java.util.Optional<String> consumerName();
}
