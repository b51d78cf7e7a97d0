package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** Who the client is (TUNEOPS_CLIENT_IP_*). */
@ConfigMapping(prefix = "tuneops.client-ip")
public interface ClientIpConfig {

    /**
     * Addresses or CIDR blocks of the proxies in front of the gateway (ingress controller, load
     * balancer, tunnel). Only requests whose TCP peer is in this list have their X-Forwarded-For and
     * X-Real-IP believed. Empty: the TCP peer is always the client.
     */
    Optional<List<@IpBlock String>> trustedProxies();

    /**
     * The guide's development convenience: requests from 127.0.0.1 / ::1 (the resolved client, not a
     * header) skip rate limiting. Off unless set.
     */
    @WithDefault("false")
    boolean localhostBypass();
}
