package io.tuneops.gateway.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.OidcConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who may reach OidcResource's sign-in methods: with the sign-in on, only a browser quarkus-oidc
 * has authenticated (a stranger is refused, which sends them to the provider); with it off,
 * anyone, and the methods answer 404. A named policy on those methods alone
 * ({@code @AuthorizationPolicy}) rather than a path permission in application.properties: Quarkus
 * checks path permissions on every request the gateway serves, its proxied ones included.
 */
@ApplicationScoped
public class OidcSignInPolicy implements HttpSecurityPolicy {

    public static final String NAME = "oidc-sign-in";

    private final boolean enabled;

    public OidcSignInPolicy(OidcConfig config) {
        this.enabled = config.enabled();
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext requestContext) {
        if (!enabled) {
            return CheckResult.permit();
        }
        return identity.map(who -> who.isAnonymous() ? CheckResult.DENY : CheckResult.PERMIT);
    }

    @Override
    public String name() {
        return NAME;
    }
}
