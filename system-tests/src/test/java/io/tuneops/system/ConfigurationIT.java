package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings are checked at start-up, and the guide's logging variables do what it says. */
@ExtendWith(Suite.Extension.class)
class ConfigurationIT {

    private final Suite suite = Suite.Extension.suite();

    @Test
    void aNegativeTimeoutStopsTheGatewayWithAMessageNamingTheSetting() throws Exception {
        assertRefusesToStart("gateway-service", Map.of("TUNEOPS_PROXY_RESPONSE_TIMEOUT", "-5s"),
                "tuneops.proxy.response-timeout");
    }

    @Test
    void anUpstreamWithoutSchemeStopsTheGateway() throws Exception {
        assertRefusesToStart("gateway-service", Map.of("TUNEOPS_UPSTREAM_WEBHOOK", "localhost:8081"),
                "tuneops.upstream.webhook");
    }

    @Test
    void anUnknownLogFormatStopsTheServiceNamingTheVariable() throws Exception {
        assertRefusesToStart("audit-service", Map.of("SIMPLETUNER_LOG_FORMAT", "xml"), "SIMPLETUNER_LOG_FORMAT");
    }

    @Test
    void anUnknownLogLevelStopsTheServiceNamingTheVariable() throws Exception {
        assertRefusesToStart("webhook-service", Map.of("SIMPLETUNER_LOG_LEVEL", "LOUD"), "SIMPLETUNER_LOG_LEVEL");
    }

    @Test
    void textFormatAndThePythonLevelNamesAreHonoured() throws IOException {
        ServiceProcess audit = suite.process("audit-service", LocalServers.freePort(),
                Map.of("SIMPLETUNER_LOG_FORMAT", "text", "SIMPLETUNER_LOG_LEVEL", "WARNING"),
                List.of("-Xmx128m", "-XX:+UseSerialGC"), "audit-text-warning").start();
        try {
            audit.awaitReady(Suite.READY_TIMEOUT);
            // directly, as the gateway would forward an admin's request (audit-service checks the vouched identity)
            assertEquals(200, Http.get(audit.url("/api/audit/types"), "X-Tuneops-Gateway-Secret", Suite.INTERNAL_SECRET,
                    "X-Tuneops-Actor", "system-test", "X-Tuneops-Scopes", "admin").status());
        } finally {
            audit.stop();
        }
        List<String> lines = Files.readAllLines(audit.output);
        assertFalse(lines.isEmpty());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("{")), "JSON lines in text mode");
        assertTrue(lines.stream().noneMatch(l -> l.contains(" INFO ")), "INFO lines at WARNING level");
        // the suite itself runs with the defaults: JSON at INFO
        List<String> suiteLines = Files.readAllLines(suite.service("audit-service").output);
        assertTrue(suiteLines.stream().anyMatch(l -> l.startsWith("{") && l.contains("\"level\":\"INFO\"")));
    }

    @Test
    void theGuidesCertificateAndKeyServeHttpsOnTheGatewaysPort(@TempDir Path dir) throws Exception {
        char[] password = "changeit".toCharArray();
        Path keystore = dir.resolve("gateway.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gateway", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        // PEM files, as certbot writes fullchain.pem and privkey.pem
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("gateway").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", store.getKey("gateway", password).getEncoded()));

        int port = LocalServers.freePort();
        ServiceProcess gateway = suite.process("gateway-service", port,
                Map.of("SIMPLETUNER_SSL_CERT", cert.toString(), "SIMPLETUNER_SSL_KEY", key.toString()),
                List.of("-Xmx128m", "-XX:+UseSerialGC"), "gateway-guide-tls").start();
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest live = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/cloud/health/live"))
                    .timeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + Suite.READY_TIMEOUT.toNanos();
            int status = -1;
            while (status != 200 && System.nanoTime() < deadline) {
                assertTrue(gateway.process().isAlive(), gateway.tail());
                try {
                    status = client.send(live, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    // not listening yet: polled as ServiceProcess.awaitReady polls
                    ServiceProcess.pause(Duration.ofMillis(100));
                }
            }
            assertEquals(200, status, gateway.tail());
            // and only HTTPS: plain HTTP on the same port gets no HTTP answer
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/cloud/health/live"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()));
        } finally {
            gateway.stop();
        }
    }

    @Test
    void aCertificateWithoutItsKeyStopsTheGatewayNamingBoth() throws Exception {
        assertRefusesToStart("gateway-service", Map.of("SIMPLETUNER_SSL_CERT", "/etc/letsencrypt/fullchain.pem"), "SIMPLETUNER_SSL_KEY");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void assertRefusesToStart(String service, Map<String, String> env, String setting) throws Exception {
        ServiceProcess process = suite.process(service, LocalServers.freePort(), env,
                List.of("-Xmx128m", "-XX:+UseSerialGC"), service + "-invalid-" + setting).start();
        assertTrue(process.process().waitFor(60, TimeUnit.SECONDS), service + " did not stop:\n" + process.tail());
        assertNotEquals(0, process.process().exitValue());
        String output = Files.readString(process.output);
        assertTrue(output.contains(setting), "no mention of " + setting + " in:\n" + process.tail());
    }
}
