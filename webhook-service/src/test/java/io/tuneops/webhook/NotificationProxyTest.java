package io.tuneops.webhook;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.webhook.client.TestCertificates;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notification webhooks honour the deployment's outbound environment as provider calls do: an
 * http target goes through HTTP_PROXY, an https one is tunnelled through HTTPS_PROXY, a host that
 * NO_PROXY names is called directly, and SIMPLETUNER_CA_BUNDLE's CA is trusted. The targets under {@code .invalid} exist for the proxy only:
 * this machine cannot resolve them, as in a network whose DNS answers for inside names only.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@TestProfile(NotificationProxyTest.BehindAProxy.class)
class NotificationProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    static LocalReceiver proxy;
    static LocalReceiver direct;
    static LocalReceiver corporateTls;

    /** Starts the proxy and the direct receiver before the application, whose configuration names the proxy. */
    public static class Receivers implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            proxy = new LocalReceiver();
            direct = new LocalReceiver();
            TestCertificates certificates;
            try {
                certificates = TestCertificates.create(Files.createTempDirectory("tuneops-ca"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // an https receiver whose certificate only the corporate CA bundle vouches for
            corporateTls = new LocalReceiver(certificates.serverKeystore(), certificates.password());
            // a forward proxy that relays plain HTTP (answering for the target) and refuses tunnels
            proxy.answer(r -> new LocalReceiver.Answer(r.method().equals("CONNECT") ? 403 : 200, 0));
            String address = proxy.url("").replace("http://", "");
            return Map.of(
                    "tuneops.outbound.http-proxy", "http://" + address,
                    "tuneops.outbound.https-proxy", "http://" + address,
                    "tuneops.outbound.no-proxy", "localhost, 127.0.0.1, .internal.example",
                    "tuneops.outbound.ca-bundle", certificates.caPem().toString());
        }

        @Override
        public void stop() {
            proxy.close();
            direct.close();
            corporateTls.close();
        }
    }

    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Receivers.class));
        }
    }

    @Inject
    Pool pool;

    private final List<String> channels = new ArrayList<>();

    @AfterEach
    void deleteChannels() {
        channels.forEach(id -> Caller.admin().delete("/api/cloud/notifications/channels/" + id));
    }

    private JsonObject endpoint(String url) {
        JsonObject endpoint = NotifyFixtures.endpoint(url, "job.*");
        channels.add(endpoint.getString("id"));
        return endpoint;
    }

    private Row await(String eventId, JsonObject endpoint, String status) {
        Poll.until(WAIT, "delivery of " + eventId + " " + status,
                () -> status.equals(NotifyFixtures.status(pool, eventId, endpoint.getString("id"))));
        return NotifyFixtures.delivery(pool, eventId, endpoint.getString("id"));
    }

    @Test
    void anHttpTargetIsReachedThroughHttpProxy() {
        JsonObject endpoint = endpoint("http://hooks.example.invalid/hooks/proxied?team=ml");
        String eventId = NotifyFixtures.ingest(NotifyFixtures.event("job.failed", NotifyFixtures.id("usr")));
        await(eventId, endpoint, "delivered");

        List<LocalReceiver.Received> got = proxy.withId(eventId);
        assertEquals(1, got.size());
        LocalReceiver.Received r = got.get(0);
        // a forward proxy gets the absolute URL and the target's Host, and relays the signed body
        assertEquals("POST", r.method());
        assertEquals("http://hooks.example.invalid/hooks/proxied?team=ml", r.uri());
        assertEquals("hooks.example.invalid", r.header("host"));
        assertEquals(eventId, new JsonObject(r.body()).getJsonObject("data").getString("event_id"));
        assertTrue(direct.withId(eventId).isEmpty());
    }

    @Test
    void anHttpsTargetIsTunnelledThroughHttpsProxy() {
        JsonObject endpoint = endpoint("https://secure.example.invalid/hooks/secret-path");
        String eventId = NotifyFixtures.ingest(NotifyFixtures.event("job.failed", NotifyFixtures.id("usr")));
        Poll.until(WAIT, "a tunnel asked of the proxy", () -> proxy.all().stream()
                .anyMatch(r -> r.method().equals("CONNECT") && r.uri().equals("secure.example.invalid:443")));

        // this proxy refuses the tunnel: the delivery fails, naming the host and the proxy, not the path
        Row failed = await(eventId, endpoint, "failed");
        String error = failed.getString("last_error");
        assertTrue(error.contains("secure.example.invalid through the proxy"), error);
        assertFalse(error.contains("secret-path"), error);
        assertFalse(error.contains(proxy.url("").replace("http://", "")), "the proxy's address stays out of the history: " + error);
        assertTrue(proxy.all().stream().noneMatch(r -> r.uri().contains("secret-path")));
    }

    @Test
    void anHttpsTargetIsTrustedThroughTheCorporateCaBundle() {
        JsonObject endpoint = endpoint(corporateTls.url("/hooks/behind-corporate-tls"));
        String eventId = NotifyFixtures.ingest(NotifyFixtures.event("job.failed", NotifyFixtures.id("usr")));
        await(eventId, endpoint, "delivered");
        assertEquals(1, corporateTls.withId(eventId).size());
        assertTrue(proxy.withId(eventId).isEmpty());
    }

    @Test
    void aHostThatNoProxyNamesIsCalledDirectly() {
        JsonObject endpoint = endpoint(direct.url("/hooks/direct"));
        String eventId = NotifyFixtures.ingest(NotifyFixtures.event("job.failed", NotifyFixtures.id("usr")));
        await(eventId, endpoint, "delivered");

        List<LocalReceiver.Received> got = direct.withId(eventId);
        assertEquals(1, got.size());
        assertEquals("/hooks/direct", got.get(0).uri());
        assertTrue(proxy.withId(eventId).isEmpty());
    }
}
