package io.tuneops.gateway.security;

/**
 * Headers the gateway sets for the owner services: who the caller is, where it comes from, and
 * the internal secret that proves the gateway set them. Clients can never set them (stripped on
 * the way in); services believe them only with the right secret (service-support's
 * GatewayIdentityHandler).
 */
public final class InternalHeaders {

    public static final String PREFIX = "x-tuneops-";
    public static final String SECRET = "X-Tuneops-Gateway-Secret";
    public static final String ACTOR = "X-Tuneops-Actor";
    public static final String SCOPES = "X-Tuneops-Scopes";
    public static final String CLIENT_IP = "X-Tuneops-Client-IP";

    private InternalHeaders() {
    }
}
