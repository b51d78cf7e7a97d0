package io.tuneops.support.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The secret the gateway proves itself with to the services (TUNEOPS_INTERNAL_SECRET). */
@ConfigMapping(prefix = "tuneops.internal")
public interface InternalConfig {

    /** Required on the gateway; a service without it believes no identity header. */
    Optional<String> secret();
}
