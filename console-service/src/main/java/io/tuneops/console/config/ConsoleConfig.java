package io.tuneops.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The console's own settings (tuneops.console.*, env TUNEOPS_CONSOLE_*). */
@ConfigMapping(prefix = "tuneops.console")
public interface ConsoleConfig {

    /**
     * How long one call to an owner may take before the page shows that owner as unavailable. A
     * page never waits longer than this for any one owner (the calls of a page run in parallel).
     */
    @WithDefault("5s")
    Duration ownerTimeout();

    /** Connections kept per owner. */
    @WithDefault("16")
    int ownerPoolSize();

    /** Rows per page of the jobs list (the owner allows 1 to 500). */
    @WithDefault("50")
    int jobsPageSize();

    /** How often the jobs list and a job's page refresh themselves, in seconds. */
    @WithDefault("1")
    int refreshSeconds();

    /** The bucket jobs upload their outputs to (storage-service's TUNEOPS_STORAGE_BUCKET). */
    @WithDefault("outputs")
    String outputsBucket();
}
