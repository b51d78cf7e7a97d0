package io.tuneops.support.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvironmentConfigSourceTest {

    private static Map<String, String> translate(Map<String, String> env) {
        return EnvironmentConfigSource.translate(env::get);
    }

    @Test
    void pythonLevelNamesBecomeJbossLevels() {
        assertEquals("WARN", translate(Map.of("SIMPLETUNER_LOG_LEVEL", "WARNING")).get("quarkus.log.level"));
        assertEquals("FATAL", translate(Map.of("SIMPLETUNER_LOG_LEVEL", "critical")).get("quarkus.log.level"));
        assertEquals("DEBUG", translate(Map.of("SIMPLETUNER_LOG_LEVEL", " debug ")).get("quarkus.log.level"));
    }

    @Test
    void anUnknownLevelOrFormatIsLeftForValidationToReport() {
        Map<String, String> out = translate(Map.of("SIMPLETUNER_LOG_LEVEL", "LOUD", "SIMPLETUNER_LOG_FORMAT", "xml"));
        assertFalse(out.containsKey("quarkus.log.level"));
        assertFalse(out.containsKey("quarkus.log.console.json.enabled"));
    }

    @Test
    void formatSwitchesConsoleAndFileTogether() {
        Map<String, String> text = translate(Map.of("SIMPLETUNER_LOG_FORMAT", "text"));
        assertEquals("false", text.get("quarkus.log.console.json.enabled"));
        assertEquals("false", text.get("quarkus.log.file.json.enabled"));
        Map<String, String> json = translate(Map.of("SIMPLETUNER_LOG_FORMAT", "JSON"));
        assertEquals("true", json.get("quarkus.log.console.json.enabled"));
        assertEquals("true", json.get("quarkus.log.file.json.enabled"));
    }

    @Test
    void theGuidesPublicUrlStandsForOursUnlessOursIsSet() {
        assertEquals("https://st.example.com", translate(Map.of("SIMPLETUNER_PUBLIC_URL", " https://st.example.com ")).get("TUNEOPS_PUBLIC_URL"));
        assertNull(translate(Map.of("SIMPLETUNER_PUBLIC_URL", "https://st.example.com", "TUNEOPS_PUBLIC_URL", "https://t.example.com"))
                .get("TUNEOPS_PUBLIC_URL"));
        assertNull(translate(Map.of("SIMPLETUNER_PUBLIC_URL", " ")).get("TUNEOPS_PUBLIC_URL"));
    }

    @Test
    void aLogFileTurnsTheFileHandlerOn() {
        Map<String, String> out = translate(Map.of("SIMPLETUNER_LOG_FILE", "/var/log/simpletuner/cloud.log"));
        assertEquals("true", out.get("quarkus.log.file.enabled"));
        assertEquals("/var/log/simpletuner/cloud.log", out.get("quarkus.log.file.path"));
        assertNull(translate(Map.of("SIMPLETUNER_LOG_FILE", " ")).get("quarkus.log.file.enabled"));
    }

    @Test
    void everyDatabaseUrlFormBecomesAReactiveAndAJdbcUrl() {
        for (String url : new String[]{"postgresql://db:5432/tuneops?sslmode=require",
                "postgres://db:5432/tuneops?sslmode=require", "jdbc:postgresql://db:5432/tuneops?sslmode=require"}) {
            Map<String, String> out = translate(Map.of("TUNEOPS_DB_URL", url));
            assertEquals("postgresql://db:5432/tuneops?sslmode=require", out.get("quarkus.datasource.reactive.url"), url);
            assertEquals("jdbc:postgresql://db:5432/tuneops?sslmode=require", out.get("quarkus.datasource.jdbc.url"), url);
        }
    }

    @Test
    void credentialsAndRedisPassThrough() {
        Map<String, String> out = translate(Map.of("TUNEOPS_DB_USER", "u", "TUNEOPS_DB_PASSWORD", "p",
                "TUNEOPS_REDIS_URL", "redis://:secret@cache:6379/2"));
        assertEquals("u", out.get("quarkus.datasource.username"));
        assertEquals("p", out.get("quarkus.datasource.password"));
        assertEquals("redis://:secret@cache:6379/2", out.get("quarkus.redis.hosts"));
    }

    @Test
    void secretsCanComeFromFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path token = java.nio.file.Files.writeString(dir.resolve("admin-token"), "from-a-file\n");
        java.nio.file.Path password = java.nio.file.Files.writeString(dir.resolve("db-password"), "pw");
        Map<String, String> out = translate(Map.of("TUNEOPS_ADMIN_TOKEN_FILE", token.toString(),
                "TUNEOPS_DB_PASSWORD_FILE", password.toString()));
        assertEquals("from-a-file", out.get("TUNEOPS_ADMIN_TOKEN"));
        assertEquals("pw", out.get("quarkus.datasource.password"));
        // an explicit variable wins over its file
        assertNull(translate(Map.of("TUNEOPS_ADMIN_TOKEN", "direct", "TUNEOPS_ADMIN_TOKEN_FILE", token.toString()))
                .get("TUNEOPS_ADMIN_TOKEN"));
    }

    @Test
    void webhookSigningSecretsCanComeFromFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        // what the chart's webhookSecrets.existingSecret mounts for webhook-service
        java.nio.file.Path replicate = java.nio.file.Files.writeString(dir.resolve("webhook-secret-replicate"), "whsec_r\n");
        java.nio.file.Path generic = java.nio.file.Files.writeString(dir.resolve("webhook-secret-generic"), "whsec_g");
        Map<String, String> out = translate(Map.of("TUNEOPS_WEBHOOK_SECRET_REPLICATE_FILE", replicate.toString(),
                "TUNEOPS_WEBHOOK_SECRET_GENERIC_FILE", generic.toString()));
        assertEquals("whsec_r", out.get("TUNEOPS_WEBHOOK_SECRET_REPLICATE"));
        assertEquals("whsec_g", out.get("TUNEOPS_WEBHOOK_SECRET_GENERIC"));
    }

    @Test
    void openIdConnectSecretsCanComeFromFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path client = java.nio.file.Files.writeString(dir.resolve("oidc-client-secret"), "client-secret\n");
        java.nio.file.Path state = java.nio.file.Files.writeString(dir.resolve("oidc-state-secret"), "s".repeat(32));
        Map<String, String> out = translate(Map.of("TUNEOPS_OIDC_CLIENT_SECRET_FILE", client.toString(),
                "TUNEOPS_OIDC_STATE_SECRET_FILE", state.toString()));
        assertEquals("client-secret", out.get("TUNEOPS_OIDC_CLIENT_SECRET"));
        assertEquals("s".repeat(32), out.get("TUNEOPS_OIDC_STATE_SECRET"));
    }

    @Test
    void anUnreadableSecretFileIsNamedInTheError() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> translate(Map.of("TUNEOPS_INTERNAL_SECRET_FILE", "/no/such/file")));
        assertTrue(e.getMessage().startsWith("TUNEOPS_INTERNAL_SECRET_FILE names /no/such/file"), e.getMessage());
    }

    @Test
    void itsOrdinalSitsBetweenApplicationPropertiesAndTheEnvironment() {
        int ordinal = new EnvironmentConfigSource(k -> null).getOrdinal();
        assertTrue(ordinal > 250 && ordinal < 300);
    }
}
