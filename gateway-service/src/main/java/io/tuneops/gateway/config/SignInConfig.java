package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/** Signing in with a username and password (TUNEOPS_SIGN_IN_*). */
@ConfigMapping(prefix = "tuneops.sign-in")
public interface SignInConfig {

    /**
     * Failed sign-ins of one username within {@link #failureWindow()} that lock it for
     * {@link #lockDuration()} (TUNEOPS_SIGN_IN_MAX_FAILURES), counted across every replica.
     */
    @WithDefault("5")
    @Min(value = 1, message = "(TUNEOPS_SIGN_IN_MAX_FAILURES) must be at least 1")
    int maxFailures();

    /** TUNEOPS_SIGN_IN_FAILURE_WINDOW */
    @WithDefault("15m")
    @DurationMin(seconds = 1, message = "(TUNEOPS_SIGN_IN_FAILURE_WINDOW) must be at least 1s")
    @DurationMax(hours = 24, message = "(TUNEOPS_SIGN_IN_FAILURE_WINDOW) must be at most 24h")
    Duration failureWindow();

    /** How long a locked username refuses every sign-in, a right password included (TUNEOPS_SIGN_IN_LOCK_DURATION). */
    @WithDefault("15m")
    @DurationMin(seconds = 1, message = "(TUNEOPS_SIGN_IN_LOCK_DURATION) must be at least 1s")
    @DurationMax(hours = 24, message = "(TUNEOPS_SIGN_IN_LOCK_DURATION) must be at most 24h")
    Duration lockDuration();

    /** The shortest password accepted when one is set (TUNEOPS_SIGN_IN_PASSWORD_MIN_LENGTH). */
    @WithDefault("12")
    @Min(value = 8, message = "(TUNEOPS_SIGN_IN_PASSWORD_MIN_LENGTH) must be at least 8")
    @Max(value = 128, message = "(TUNEOPS_SIGN_IN_PASSWORD_MIN_LENGTH) must be at most 128")
    int passwordMinLength();
}
