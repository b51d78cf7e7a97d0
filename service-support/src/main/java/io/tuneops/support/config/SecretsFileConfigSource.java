package io.tuneops.support.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.common.MapBackedConfigSource;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The guide's file-based secrets: {@code ~/.simpletuner/secrets.json} (or {@code secrets.yaml} /
 * {@code secrets.yml}), or the file {@value #PATH_VARIABLE} names, holding one object of
 * {@code NAME: value} pairs under the same names as the environment variables
 * ({@code REPLICATE_API_TOKEN}, {@code TUNEOPS_ENCRYPTION_KEY}, ...).
 *
 * <p>The guide puts these secrets below the environment and above everything else, so the ordinal
 * sits under {@link EnvironmentConfigSource} (275, which also carries the {@code *_FILE} secrets of
 * Kubernetes) and above application.properties (250). A value is published under its variable name,
 * which the services' {@code ${REPLICATE_API_TOKEN:}} expressions read, and through the same
 * translation as the environment for the names that stand for Quarkus settings
 * ({@code TUNEOPS_DB_PASSWORD}, {@code TUNEOPS_REDIS_URL}).
 *
 * <p>A file that cannot be read or parsed stops the service with one line naming the file and where
 * the problem is; parser messages are never passed on because they quote the offending text, which
 * may be a secret.
 */
public class SecretsFileConfigSource extends MapBackedConfigSource {

    static final int ORDINAL = 265;
    static final String PATH_VARIABLE = "TUNEOPS_SECRETS_FILE";
    static final List<String> DEFAULT_FILES = List.of("secrets.json", "secrets.yaml", "secrets.yml");

    private static final Logger LOG = Logger.getLogger(SecretsFileConfigSource.class);
    private static final Set<PosixFilePermission> TOO_OPEN = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    public SecretsFileConfigSource() {
        // Quarkus also instantiates config sources while it builds the application (augmentation,
        // ExecutionMode UNSET): a secrets file on the build machine belongs to no running service,
        // and a broken one must not break the build. A started application reads it.
        super("tuneops-secrets-file", ExecutionMode.current() == ExecutionMode.UNSET ? Map.of()
                : load(System::getenv, Path.of(System.getProperty("user.home"))), ORDINAL);
    }

    SecretsFileConfigSource(Function<String, String> environment, Path home) {
        super("tuneops-secrets-file", load(environment, home), ORDINAL);
    }

    private static Map<String, String> load(Function<String, String> environment, Path home) {
        Optional<Path> file = locate(environment, home);
        if (file.isEmpty()) {
            return Map.of();
        }
        permissionWarning(file.get()).ifPresent(LOG::warn);
        Map<String, String> secrets = read(file.get());
        Map<String, String> out = new HashMap<>(secrets);
        out.putAll(EnvironmentConfigSource.translate(secrets::get));
        return Collections.unmodifiableMap(out);
    }

    /**
     * The file the variable names (which must then exist), else the first default file that exists
     * under {@code ~/.simpletuner}; none at all is fine.
     */
    static Optional<Path> locate(Function<String, String> environment, Path home) {
        String named = environment.apply(PATH_VARIABLE);
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named.trim());
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(PATH_VARIABLE + " names " + path + ", which is not a readable file");
            }
            return Optional.of(path);
        }
        Path dir = home.resolve(".simpletuner");
        for (String name : DEFAULT_FILES) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The secrets in the file, by variable name; blank values count as absent. */
    static Map<String, String> read(Path file) {
        boolean yaml = isYaml(file);
        String format = yaml ? "YAML" : "JSON";
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("secrets file " + file + " is not valid " + format + where(e.getLocation()));
        } catch (IOException | RuntimeException e) {
            // e.g. AccessDeniedException: its message is the path, never the content
            throw new IllegalStateException("secrets file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new IllegalStateException("secrets file " + file + " must hold one " + format
                    + " object of NAME: value pairs, not " + kind(root));
        }
        Map<String, String> secrets = new HashMap<>();
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (!EnvironmentConfigSource.FILE_SECRETS.contains(name)) {
                unknown.add(name);
                continue;
            }
            if (value.isNull()) {
                continue;
            }
            if (!value.isTextual()) {
                throw new IllegalStateException("secrets file " + file + ": " + name + " must be a string (quote it), not " + kind(value));
            }
            String text = value.asText().strip();
            if (!text.isEmpty()) {
                secrets.put(name, text);
            }
        }
        if (!unknown.isEmpty()) {
            // a misspelt name would otherwise be silently ignored; names are not secret, values are
            LOG.warnf("secrets file %s: ignoring %s (known names: %s)", file, String.join(", ", unknown),
                    String.join(", ", EnvironmentConfigSource.FILE_SECRETS));
        }
        return secrets;
    }

    /** A warning when others than the owner may read or change the file, without its content. */
    static Optional<String> permissionWarning(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (Collections.disjoint(permissions, TOO_OPEN)) {
                return Optional.empty();
            }
            return Optional.of("secrets file " + file + " is " + PosixFilePermissions.toString(permissions)
                    + ", open to group or others; make it readable by its owner only: chmod 600 " + file);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
