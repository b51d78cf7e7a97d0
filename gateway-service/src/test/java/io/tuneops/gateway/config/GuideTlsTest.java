package io.tuneops.gateway.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuideTlsTest {

    @Test
    void bothFilesServeHttpsOnlyOnTheGatewaysPort() {
        Map<String, String> tls = GuideTls.translate(Map.of("SIMPLETUNER_SSL_CERT", "/etc/le/fullchain.pem",
                "SIMPLETUNER_SSL_KEY", " /etc/le/privkey.pem ")::get);
        assertEquals("/etc/le/fullchain.pem", tls.get("quarkus.http.ssl.certificate.files"));
        assertEquals("/etc/le/privkey.pem", tls.get("quarkus.http.ssl.certificate.key-files"));
        assertEquals("${quarkus.http.port}", tls.get("quarkus.http.ssl-port"));
        assertEquals("disabled", tls.get("quarkus.http.insecure-requests"));
    }

    @Test
    void withoutThemNothingChangesAndOneAloneStopsTheGatewayNamingBoth() {
        assertTrue(GuideTls.translate(Map.<String, String>of()::get).isEmpty());
        assertTrue(GuideTls.translate(Map.of("SIMPLETUNER_SSL_CERT", " ")::get).isEmpty());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> GuideTls.translate(Map.of("SIMPLETUNER_SSL_CERT", "/etc/le/fullchain.pem")::get));
        assertTrue(refused.getMessage().contains("SIMPLETUNER_SSL_KEY"), refused.getMessage());
    }
}
