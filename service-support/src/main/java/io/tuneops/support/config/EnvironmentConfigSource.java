package io.tuneops.support.config;

import io.smallrye.config.common.MapBackedConfigSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Translates the documented environment (SIMPLETUNER_LOG_LEVEL/FORMAT/FILE and SIMPLETUNER_PUBLIC_URL
 * from the operations guide, TUNEOPS_DB_* and TUNEOPS_REDIS_URL of ours) into the settings they
 * stand for.
 *
 * <p>Hand-written because those variables do not map one-to-one onto Quarkus properties: one
 * value switches several settings ({@code json} vs {@code text}), uses Python level names
 * ({@code WARNING}, {@code CRITICAL}) or must become both a reactive and a JDBC URL. Values it
 * does not understand are left alone here and reported by {@link LogSettings} validation, so a
 * wrong value stops the service with a message naming the variable.
 *
 * <p>Its ordinal sits between application.properties (250) and the environment (300): an explicit
 * QUARKUS_* variable still wins.
 */
public class EnvironmentConfigSource extends MapBackedConfigSource {

    static final int ORDINAL = 275;

    public EnvironmentConfigSource() {
        this(System::getenv);
    }

    EnvironmentConfigSource(Function<String, String> environment) {
        super("tuneops-environment", Collections.unmodifiableMap(translate(environment)), ORDINAL);
    }

    /** Secrets that can come from a mounted file instead: TUNEOPS_X_FILE=/path holds TUNEOPS_X. */
    static final List<String> FILE_SECRETS = List.of("TUNEOPS_ADMIN_TOKEN", "TUNEOPS_API_KEY_SECRET",
            "TUNEOPS_INTERNAL_SECRET", "TUNEOPS_MONITORING_TOKEN", "TUNEOPS_DB_PASSWORD", "TUNEOPS_REDIS_URL",
            "TUNEOPS_AUDIT_CHECKPOINT_KEY", "TUNEOPS_ENCRYPTION_KEY", "REPLICATE_API_TOKEN",
            "TUNEOPS_WEBHOOK_SECRET_REPLICATE", "TUNEOPS_WEBHOOK_SECRET_GENERIC", "TUNEOPS_OIDC_CLIENT_SECRET",
            "TUNEOPS_OIDC_STATE_SECRET");

    static Map<String, String> translate(Function<String, String> rawEnv) {
        Map<String, String> out = new HashMap<>();
        Map<String, String> fromFiles = new HashMap<>();
        for (String secret : FILE_SECRETS) {
            String file = rawEnv.apply(secret + "_FILE");
            if (rawEnv.apply(secret) == null && file != null && !file.isBlank()) {
                fromFiles.put(secret, readSecret(secret + "_FILE", file.trim()));
            }
        }
        // the variables the application.properties expressions refer to, e.g. ${TUNEOPS_ADMIN_TOKEN:}
        out.putAll(fromFiles);
        Function<String, String> env = name -> fromFiles.getOrDefault(name, rawEnv.apply(name));

        String level = env.apply("SIMPLETUNER_LOG_LEVEL");
        if (level != null) {
            String jbossLevel = jbossLevel(level);
            if (jbossLevel != null) {
                out.put("quarkus.log.level", jbossLevel);
            }
        }

        String format = env.apply("SIMPLETUNER_LOG_FORMAT");
        if (format != null) {
            String json = switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "json" -> "true";
                case "text" -> "false";
                default -> null;
            };
            if (json != null) {
                out.put("quarkus.log.console.json.enabled", json);
                out.put("quarkus.log.file.json.enabled", json);
            }
        }

        String file = env.apply("SIMPLETUNER_LOG_FILE");
        if (file != null && !file.isBlank()) {
            out.put("quarkus.log.file.enabled", "true");
            out.put("quarkus.log.file.path", file.trim());
        }

        // the guide's name for the address jobs and providers reach tuneops at; ours wins when both are set
        String publicUrl = env.apply("SIMPLETUNER_PUBLIC_URL");
        if (publicUrl != null && !publicUrl.isBlank() && env.apply("TUNEOPS_PUBLIC_URL") == null) {
            out.put("TUNEOPS_PUBLIC_URL", publicUrl.trim());
        }

        String dbUrl = env.apply("TUNEOPS_DB_URL");
        if (dbUrl != null && !dbUrl.isBlank()) {
            String reactive = reactiveUrl(dbUrl.trim());
            out.put("quarkus.datasource.reactive.url", reactive);
            out.put("quarkus.datasource.jdbc.url", "jdbc:" + reactive);
        }
        putIfPresent(env, out, "TUNEOPS_DB_USER", "quarkus.datasource.username");
        putIfPresent(env, out, "TUNEOPS_DB_PASSWORD", "quarkus.datasource.password");
        putIfPresent(env, out, "TUNEOPS_REDIS_URL", "quarkus.redis.hosts");
        return out;
    }

    private static String readSecret(String variable, String path) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(variable + " names " + path + ", which cannot be read: " + e.getMessage());
        }
    }

    /** Python's level names (the guide's) and JBoss' names, to JBoss'; null when unknown. */
    static String jbossLevel(String level) {
        return switch (level.trim().toUpperCase(Locale.ROOT)) {
            case "TRACE" -> "TRACE";
            case "DEBUG" -> "DEBUG";
            case "INFO" -> "INFO";
            case "WARNING", "WARN" -> "WARN";
            case "ERROR" -> "ERROR";
            case "CRITICAL", "FATAL" -> "FATAL";
            default -> null;
        };
    }

    /** Accepts postgresql://, postgres:// and jdbc:postgresql:// forms; returns postgresql://. */
    static String reactiveUrl(String url) {
        String u = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        if (u.startsWith("postgres://")) {
            u = "postgresql://" + u.substring("postgres://".length());
        }
        return u;
    }

    private static void putIfPresent(Function<String, String> env, Map<String, String> out, String var, String key) {
        String value = env.apply(var);
        if (value != null) {
            out.put(key, value);
        }
    }
}
