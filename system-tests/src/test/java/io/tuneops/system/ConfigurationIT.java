package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    private void assertRefusesToStart(String service, Map<String, String> env, String setting) throws Exception {
        ServiceProcess process = suite.process(service, LocalServers.freePort(), env,
                List.of("-Xmx128m", "-XX:+UseSerialGC"), service + "-invalid-" + setting).start();
        assertTrue(process.process().waitFor(60, TimeUnit.SECONDS), service + " did not stop:\n" + process.tail());
        assertNotEquals(0, process.process().exitValue());
        String output = Files.readString(process.output);
        assertTrue(output.contains(setting), "no mention of " + setting + " in:\n" + process.tail());
    }
}
