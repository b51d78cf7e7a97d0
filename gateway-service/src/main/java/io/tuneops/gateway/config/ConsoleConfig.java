package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.Optional;

/** The operator console's sessions at the gateway (TUNEOPS_CONSOLE_*). */
@ConfigMapping(prefix = "tuneops.console")
public interface ConsoleConfig {

    Session session();

    /**
     * The address browsers reach tuneops at (TUNEOPS_PUBLIC_URL, shared with webhook-service). Its
     * origin is the gateway's own besides the one each request names, which matters behind a proxy
     * that terminates TLS without being a trusted proxy: the browser's {@code Origin} says https
     * while the request reached the gateway as http. When it is https, session cookies are Secure.
     */
    Optional<String> publicUrl();

    interface Session {

        /** A session unused this long ends (TUNEOPS_CONSOLE_SESSION_IDLE_TIMEOUT). */
        @WithDefault("8h")
        @DurationMin(seconds = 60, message = "must be at least 60s")
        Duration idleTimeout();

        /** A session ends this long after sign-in, however busy (TUNEOPS_CONSOLE_SESSION_LIFETIME). */
        @WithDefault("24h")
        @DurationMin(seconds = 60, message = "must be at least 60s")
        Duration lifetime();
    }
}
