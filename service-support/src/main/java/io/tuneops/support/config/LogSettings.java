package io.tuneops.support.config;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Pattern;

import java.util.Optional;

/**
 * The guide's logging variables, validated at start-up so that a typo stops the service with a
 * message naming the variable instead of silently logging at the wrong level or format.
 * {@link EnvironmentConfigSource} applies the valid values.
 */
@ConfigMapping(prefix = "simpletuner.log")
public interface LogSettings {

    /** SIMPLETUNER_LOG_LEVEL. */
    Optional<@Pattern(regexp = "(?i)\\s*(TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\\s*",
            message = "(SIMPLETUNER_LOG_LEVEL) must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL") String> level();

    /** SIMPLETUNER_LOG_FORMAT. */
    Optional<@Pattern(regexp = "(?i)\\s*(json|text)\\s*",
            message = "(SIMPLETUNER_LOG_FORMAT) must be json or text") String> format();

    /** SIMPLETUNER_LOG_FILE. */
    Optional<String> file();
}
