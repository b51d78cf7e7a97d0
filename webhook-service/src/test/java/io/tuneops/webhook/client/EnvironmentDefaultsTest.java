package io.tuneops.webhook.client;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The guide's environment (HTTP_PROXY / HTTPS_PROXY, REPLICATE_API_TOKEN, the Replicate base URL)
 * applies when a provider's configuration says nothing, and its configuration wins when it does.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@TestProfile(EnvironmentDefaultsTest.FromEnvironment.class)
class EnvironmentDefaultsTest {

    static WireMockServer replicate;
    static WireMockServer proxy;

    /** Starts the fakes before the application, whose configuration names them. */
    public static class Fakes implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            replicate = new WireMockServer(wireMockConfig().dynamicPort());
            replicate.start();
            proxy = new WireMockServer(wireMockConfig().dynamicPort().enableBrowserProxying(true));
            proxy.start();
            return Map.of(
                    // what HTTP_PROXY, REPLICATE_API_TOKEN and TUNEOPS_REPLICATE_API_BASE_URL set (application.properties)
                    "tuneops.outbound.http-proxy", "http://localhost:" + proxy.port(),
                    "tuneops.outbound.replicate-api-token", "r8_from_the_environment_0123456789",
                    "tuneops.outbound.replicate-api-base-url", "http://localhost:" + replicate.port());
        }

        @Override
        public void stop() {
            replicate.stop();
            proxy.stop();
        }
    }

    public static class FromEnvironment implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Fakes.class));
        }
    }

    private static RequestSpecification admin() {
        return RestAssured.given().contentType("application/json")
                .header("X-Tuneops-Gateway-Secret", "test-only-internal-secret-0123456789abcdef")
                .header("X-Tuneops-Actor", "key_test_admin")
                .header("X-Tuneops-Scopes", "admin");
    }

    private static void submit(String trainingId) {
        replicate.stubFor(post(urlPathMatching("/v1/models/acme/base/versions/[0-9a-f]+/trainings"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\": \"" + trainingId + "\", \"status\": \"starting\"}")));
        admin().body("{\"version\": \"acme/base:0123abcd\", \"destination\": \"acme/out\"}").post("/api/cloud/jobs/submit")
                .then().statusCode(201);
    }

    @Test
    void withoutProviderSettingsTheEnvironmentDecidesAndProviderSettingsWin() {
        // nothing configured for replicate: token, base URL and proxy come from the environment
        admin().body("{\"api_token\": null, \"api_base_url\": null, \"proxy_url\": null, \"ssl_ca_bundle\": null, \"ssl_verify\": true}")
                .put("/api/cloud/providers/replicate").then().statusCode(200);
        submit("tr_env_1");
        proxy.verify(1, postRequestedFor(urlPathMatching("/v1/models/.*/trainings")));
        replicate.verify(postRequestedFor(urlPathMatching("/v1/models/.*/trainings"))
                .withHeader("Authorization", equalTo("Bearer r8_from_the_environment_0123456789")));

        // the provider's own token and an explicit direct route (proxy_url to the API itself is not
        // a proxy: configure a different, working proxy instead) override the environment
        admin().body("{\"api_token\": \"r8_configured_token_9876543210\"}").put("/api/cloud/providers/replicate").then().statusCode(200);
        submit("tr_env_2");
        replicate.verify(postRequestedFor(urlPathMatching("/v1/models/.*/trainings"))
                .withHeader("Authorization", equalTo("Bearer r8_configured_token_9876543210")));
        admin().body("{\"api_token\": null}").put("/api/cloud/providers/replicate").then().statusCode(200);
    }
}
