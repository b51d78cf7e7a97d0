package io.tuneops.support.config;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsFileConfigSourceTest {

    private static final String SECRET = "r8_s3cr3t-value-that-must-never-be-printed";

    @TempDir
    Path home;

    private Path writeDefault(String name, String content) throws IOException {
        Path dir = Files.createDirectories(home.resolve(".simpletuner"));
        Path file = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /**
     * The sources a service runs with, in their real ordinals: the shared defaults and a service's
     * application.properties (expressions over the variable names), the secrets file, the translated
     * environment and the raw environment.
     */
    private SmallRyeConfig config(Map<String, String> env) {
        Map<String, String> applicationProperties = Map.of(
                "tuneops.outbound.replicate-api-token", "${REPLICATE_API_TOKEN:}",
                "tuneops.jobs.encryption-key", "${TUNEOPS_ENCRYPTION_KEY:default-key}",
                "quarkus.datasource.password", "from-defaults");
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(applicationProperties, "application.properties", 250))
                .withSources(new SecretsFileConfigSource(env::get, home))
                .withSources(new EnvironmentConfigSource(env::get))
                .withSources(new EnvConfigSource(env, 300))
                .build();
    }

    @Test
    void theEnvironmentBeatsTheFileWhichBeatsTheDefaults() throws IOException {
        writeDefault("secrets.json", """
                {"REPLICATE_API_TOKEN": "from-file", "TUNEOPS_DB_PASSWORD": "db-from-file"}
                """);

        SmallRyeConfig fileOnly = config(Map.of());
        assertEquals("from-file", fileOnly.getValue("tuneops.outbound.replicate-api-token", String.class));
        assertEquals("db-from-file", fileOnly.getValue("quarkus.datasource.password", String.class));
        assertEquals("default-key", fileOnly.getValue("tuneops.jobs.encryption-key", String.class));

        SmallRyeConfig withEnv = config(Map.of("REPLICATE_API_TOKEN", "from-env", "TUNEOPS_DB_PASSWORD", "db-from-env"));
        assertEquals("from-env", withEnv.getValue("tuneops.outbound.replicate-api-token", String.class));
        assertEquals("db-from-env", withEnv.getValue("quarkus.datasource.password", String.class));
    }

    @Test
    void aKubernetesSecretFileNamedByTheEnvironmentBeatsTheSecretsFile() throws IOException {
        writeDefault("secrets.json", "{\"TUNEOPS_ENCRYPTION_KEY\": \"from-secrets-file\"}");
        Path mounted = Files.writeString(home.resolve("encryption-key"), "from-mounted-secret\n");
        SmallRyeConfig config = config(Map.of("TUNEOPS_ENCRYPTION_KEY_FILE", mounted.toString()));
        assertEquals("from-mounted-secret", config.getValue("tuneops.jobs.encryption-key", String.class));
    }

    @Test
    void jsonAndYamlFilesAreRead() throws IOException {
        writeDefault("secrets.yaml", """
                # the guide's YAML form
                REPLICATE_API_TOKEN: r8_from_yaml
                TUNEOPS_REDIS_URL: "redis://:pw@cache:6379/1"
                """);
        Map<String, String> yaml = new SecretsFileConfigSource(k -> null, home).getProperties();
        assertEquals("r8_from_yaml", yaml.get("REPLICATE_API_TOKEN"));
        assertEquals("redis://:pw@cache:6379/1", yaml.get("quarkus.redis.hosts"));

        // secrets.json comes first when both exist
        writeDefault("secrets.json", "{\"REPLICATE_API_TOKEN\": \"r8_from_json\"}");
        assertEquals("r8_from_json", new SecretsFileConfigSource(k -> null, home).getValue("REPLICATE_API_TOKEN"));

        Path yml = Files.writeString(home.resolve("elsewhere.yml"), "TUNEOPS_ADMIN_TOKEN: named-by-variable\n");
        Map<String, String> env = Map.of(SecretsFileConfigSource.PATH_VARIABLE, yml.toString());
        assertEquals("named-by-variable", new SecretsFileConfigSource(env::get, home).getValue("TUNEOPS_ADMIN_TOKEN"));
    }

    @Test
    void unknownNamesAndBlankValuesAreIgnored() throws IOException {
        writeDefault("secrets.json", """
                {"HF_TOKEN": "not ours", "TUNEOPS_ADMIN_TOKEN": "  ", "TUNEOPS_MONITORING_TOKEN": null,
                 "TUNEOPS_INTERNAL_SECRET": "internal"}
                """);
        Map<String, String> properties = new SecretsFileConfigSource(k -> null, home).getProperties();
        assertEquals(Map.of("TUNEOPS_INTERNAL_SECRET", "internal"), properties);
    }

    @Test
    void aMalformedFileIsNamedWithoutEchoingItsContent() throws IOException {
        Path json = writeDefault("secrets.json", "{\"REPLICATE_API_TOKEN\": \"ok\",\n \"TUNEOPS_DB_PASSWORD\": " + SECRET + "}\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SecretsFileConfigSource(k -> null, home));
        assertEquals("secrets file " + json + " is not valid JSON (line 2, column 25)", e.getMessage());
        assertNoSecretIn(e);

        Files.delete(json);
        Path yaml = writeDefault("secrets.yaml", "REPLICATE_API_TOKEN: ok\n  TUNEOPS_DB_PASSWORD: \"" + SECRET + "\n");
        e = assertThrows(IllegalStateException.class, () -> new SecretsFileConfigSource(k -> null, home));
        assertTrue(e.getMessage().startsWith("secrets file " + yaml + " is not valid YAML (line "), e.getMessage());
        assertNoSecretIn(e);
    }

    @Test
    void aWronglyShapedFileIsNamedWithoutEchoingItsContent() throws IOException {
        Path file = writeDefault("secrets.json", "[\"" + SECRET + "\"]");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SecretsFileConfigSource(k -> null, home));
        assertEquals("secrets file " + file + " must hold one JSON object of NAME: value pairs, not array", e.getMessage());

        Files.writeString(file, "{\"TUNEOPS_DB_PASSWORD\": {\"nested\": \"" + SECRET + "\"}}");
        e = assertThrows(IllegalStateException.class, () -> new SecretsFileConfigSource(k -> null, home));
        assertEquals("secrets file " + file + ": TUNEOPS_DB_PASSWORD must be a string (quote it), not object", e.getMessage());
        assertNoSecretIn(e);
    }

    private static void assertNoSecretIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(SECRET), t.getMessage());
            assertFalse(String.valueOf(t.getMessage()).contains("s3cr3t"), t.getMessage());
        }
    }

    @Test
    void noFileIsFineButAFileTheVariableNamesMustExist() {
        assertEquals(Map.of(), new SecretsFileConfigSource(k -> null, home).getProperties());
        assertEquals("default-key", config(new HashMap<>()).getValue("tuneops.jobs.encryption-key", String.class));

        Map<String, String> env = Map.of(SecretsFileConfigSource.PATH_VARIABLE, home.resolve("missing.json").toString());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SecretsFileConfigSource(env::get, home));
        assertEquals("TUNEOPS_SECRETS_FILE names " + home.resolve("missing.json") + ", which is not a readable file",
                e.getMessage());
    }

    @Test
    void aFileOthersCanReadIsWarnedAboutWithoutItsContent() throws IOException {
        Path file = writeDefault("secrets.json", "{\"REPLICATE_API_TOKEN\": \"" + SECRET + "\"}");
        assertEquals(Optional.empty(), SecretsFileConfigSource.permissionWarning(file));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String warning = SecretsFileConfigSource.permissionWarning(file).orElseThrow();
        assertEquals("secrets file " + file + " is rw-r--r--, open to group or others; make it readable by its owner"
                + " only: chmod 600 " + file, warning);
        // still read: a warning, not a refusal
        assertEquals(SECRET, new SecretsFileConfigSource(k -> null, home).getValue("REPLICATE_API_TOKEN"));
    }

    @Test
    void whileQuarkusBuildsTheApplicationTheFileIsNotRead() throws IOException {
        // outside a started application (the build's augmentation, this test) the ServiceLoader
        // constructor leaves even a broken file alone
        writeDefault("secrets.json", "{\"REPLICATE_API_TOKEN\": " + SECRET);
        String userHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            assertEquals(Map.of(), new SecretsFileConfigSource().getProperties());
        } finally {
            System.setProperty("user.home", userHome);
        }
        assertThrows(IllegalStateException.class, () -> new SecretsFileConfigSource(k -> null, home));
    }

    @Test
    void itsOrdinalSitsBetweenApplicationPropertiesAndTheTranslatedEnvironment() {
        assertTrue(SecretsFileConfigSource.ORDINAL > 250 && SecretsFileConfigSource.ORDINAL < EnvironmentConfigSource.ORDINAL);
    }
}
