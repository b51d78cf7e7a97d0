package io.tuneops.support.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/**
 * How long one PostgreSQL statement or transaction (TUNEOPS_DATABASE_TIMEOUT) and one Redis
 * command (TUNEOPS_REDIS_TIMEOUT) may take before the request answers 503, and how long a
 * readiness check waits for each store (TUNEOPS_READINESS_TIMEOUT, below the probes' timeout).
 * Three roots, one per setting: a mapping of all of {@code tuneops.*} would refuse every other
 * tuneops setting as unknown.
 */
public final class StoreDeadlineConfig {

    private StoreDeadlineConfig() {
    }

    @ConfigMapping(prefix = "tuneops.database")
    public interface Database {
        @WithDefault("2s")
        @DurationMin(millis = 10, message = "must be at least 10 ms")
        @DurationMax(seconds = 300, message = "must be at most 300 seconds")
        Duration timeout();
    }

    @ConfigMapping(prefix = "tuneops.redis")
    public interface Redis {
        @WithDefault("2s")
        @DurationMin(millis = 10, message = "must be at least 10 ms")
        @DurationMax(seconds = 300, message = "must be at most 300 seconds")
        Duration timeout();
    }

    @ConfigMapping(prefix = "tuneops.readiness")
    public interface Readiness {
        @WithDefault("1s")
        @DurationMin(millis = 10, message = "must be at least 10 ms")
        @DurationMax(seconds = 30, message = "must be at most 30 seconds")
        Duration timeout();
    }
}
