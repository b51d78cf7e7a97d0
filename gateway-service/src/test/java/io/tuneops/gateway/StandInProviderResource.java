package io.tuneops.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tuneops.local.testing.StandInIdentityProvider;

import java.util.Map;

/**
 * Turns OpenID Connect sign-in on, against a {@link StandInIdentityProvider} started for the test
 * class, which gets it in its field of that type. Init argument {@code auto-provision}: "true" turns
 * auto-provisioning on.
 */
public class StandInProviderResource implements QuarkusTestResourceLifecycleManager {

    static final String CLIENT_ID = "tuneops-console";
    static final String CLIENT_SECRET = "stand-in-client-secret-of-at-least-32-characters";
    static final String PROVIDER_NAME = "Stand-in SSO";

    private StandInIdentityProvider provider;
    private boolean autoProvision;

    @Override
    public void init(Map<String, String> initArgs) {
        autoProvision = Boolean.parseBoolean(initArgs.get("auto-provision"));
    }

    @Override
    public Map<String, String> start() {
        provider = StandInIdentityProvider.start(CLIENT_ID, CLIENT_SECRET);
        return Map.of(
                "tuneops.oidc.enabled", "true",
                "tuneops.oidc.provider-name", PROVIDER_NAME,
                "quarkus.oidc.auth-server-url", provider.issuer(),
                "quarkus.oidc.client-id", CLIENT_ID,
                "quarkus.oidc.credentials.secret", CLIENT_SECRET,
                "tuneops.oidc.auto-provision", Boolean.toString(autoProvision));
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(provider, new TestInjector.MatchesType(StandInIdentityProvider.class));
    }

    @Override
    public void stop() {
        if (provider != null) {
            provider.close();
        }
    }
}
