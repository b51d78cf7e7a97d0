package io.tuneops.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;

/**
 * Console sign-in with an OpenID Connect provider (TUNEOPS_OIDC_*): the tuneops side of it. The
 * provider's address, the client and its secret are quarkus-oidc's own settings, mapped from
 * TUNEOPS_OIDC_AUTH_SERVER_URL, TUNEOPS_OIDC_CLIENT_ID and TUNEOPS_OIDC_CLIENT_SECRET in
 * application.properties, where {@link #enabled()} also switches quarkus-oidc's tenant and the
 * sign-in paths' authentication on.
 */
@ConfigMapping(prefix = "tuneops.oidc")
public interface OidcConfig {

    /** Whether the console offers sign-in with the provider (TUNEOPS_OIDC_ENABLED); off by default. */
    @WithDefault("false")
    boolean enabled();

    /**
     * The provider's name, as the sign-in page shows it: "Sign in with ..." (TUNEOPS_OIDC_PROVIDER_NAME).
     * Plain text without markup characters, so that pages can show it as it is.
     */
    @WithDefault("OpenID Connect")
    @Pattern(regexp = "[^<>&\"']{1,64}", message = "must be 1 to 64 characters without < > & \" '")
    String providerName();

    /**
     * The ID token claim holding the e-mail address that names the tuneops user (TUNEOPS_OIDC_EMAIL_CLAIM).
     * A token that says the address is not verified ({@code email_verified: false}) signs nobody in.
     */
    @WithDefault("email")
    String emailClaim();

    /**
     * Whether an ID token must say its address is verified ({@code email_verified: true}) to sign
     * anyone in (TUNEOPS_OIDC_REQUIRE_VERIFIED_EMAIL). On by default: a provider whose users may
     * set their own address (Entra ID issues tokens without the claim) could otherwise sign someone
     * in as whoever holds that address here. Turn it off only for a provider that issues addresses
     * it manages itself; a token saying {@code false} signs nobody in either way.
     */
    @WithDefault("true")
    boolean requireVerifiedEmail();

    /**
     * Whether a verified address that no user has yet becomes a new viewer of {@link #autoProvisionOrg()}
     * at its first sign-in (TUNEOPS_OIDC_AUTO_PROVISION); off by default: an administrator creates users.
     * An address a deactivated user has is never provisioned again.
     */
    @WithDefault("false")
    boolean autoProvision();

    /** The organisation (its id) of auto-provisioned users (TUNEOPS_OIDC_AUTO_PROVISION_ORG): the default one. */
    @WithDefault("org_default")
    String autoProvisionOrg();
}
