package io.tuneops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/docker/Dockerfile and deploy/compose/compose.yaml, checked statically: there is no Docker
 * engine on the build machines, so neither `docker build` nor `docker compose config` runs here.
 * What can be checked without one is: the compose file parses (anchors and merge keys resolved as
 * compose resolves them), every service of the suite is in it, hardened and health-checked, the
 * variables it sets are ones the services read, every secret file it names is declared, and the
 * Dockerfile builds a non-root JRE image with a health check.
 */
class ImageAndComposeTest {

    static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("gateway", 8080);
        SERVICES.put("webhook", 8081);
        SERVICES.put("storage", 8082);
        SERVICES.put("metrics", 8083);
        SERVICES.put("audit", 8084);
        SERVICES.put("console", 8085);
    }

    /** console-service keeps no data: its pages come from the owners, its sessions are the gateway's. */
    static final Set<String> WITHOUT_STORES = Set.of("console");

    static final Path ROOT = Scripts.repoRoot();

    @SuppressWarnings("unchecked")
    static Map<String, Object> compose() throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(ROOT.resolve("deploy/compose/compose.yaml")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + " is a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + " is a list: " + o);
        return (List<Object>) o;
    }

    @Test
    void composeRunsEveryServiceHardenedAndHealthChecked() throws IOException {
        Map<String, Object> services = map(compose().get("services"), "services");
        Set<String> expected = new HashSet<>(SERVICES.keySet());
        expected.addAll(Set.of("postgres", "redis", "backup"));
        assertEquals(expected, services.keySet());
        assertEquals("postgres:16", map(services.get("postgres"), "postgres").get("image"));
        assertEquals("redis:7", map(services.get("redis"), "redis").get("image"));

        for (Map.Entry<String, Integer> e : SERVICES.entrySet()) {
            String name = e.getKey();
            Map<String, Object> s = map(services.get(name), name);
            assertEquals("ghcr.io/tuneops/" + name + "-service:${TUNEOPS_VERSION:-0.1.0}", s.get("image"), name);
            Map<String, Object> build = map(s.get("build"), name + ".build");
            assertEquals("deploy/docker/Dockerfile", build.get("dockerfile"));
            assertEquals(Map.of("SERVICE", name + "-service", "PORT", String.valueOf(e.getValue())), build.get("args"));
            assertEquals("10001:10001", s.get("user"), name + " runs as UID 10001");
            assertEquals(Boolean.TRUE, s.get("read_only"), name + " read-only root filesystem");
            assertTrue(list(s.get("tmpfs"), name).stream().anyMatch(t -> t.toString().startsWith("/tmp")), name + " tmpfs /tmp");
            assertEquals(List.of("ALL"), s.get("cap_drop"), name);
            assertTrue(list(s.get("security_opt"), name).contains("no-new-privileges:true"), name);
            String test = String.join(" ", list(map(s.get("healthcheck"), name).get("test"), name).stream().map(Object::toString).toList());
            assertTrue(test.contains("http://127.0.0.1:" + e.getValue() + "/q/health/live"), name + " healthcheck: " + test);
            Map<String, Object> env = map(s.get("environment"), name + ".environment");
            assertEquals(String.valueOf(e.getValue()), env.get("TUNEOPS_HTTP_PORT"), name);
            if (WITHOUT_STORES.contains(name)) {
                assertFalse(s.containsKey("depends_on"), name + " waits for neither PostgreSQL nor Redis");
            } else {
                Map<String, Object> dependsOn = map(s.get("depends_on"), name);
                assertEquals("service_healthy", map(dependsOn.get("postgres"), name).get("condition"));
                assertEquals("service_healthy", map(dependsOn.get("redis"), name).get("condition"));
            }
            if (name.equals("gateway")) {
                assertEquals(List.of("${TUNEOPS_PORT:-8080}:8080"), s.get("ports"));
            }
        }
        for (Map.Entry<String, Object> e : services.entrySet()) {
            if (!e.getKey().equals("gateway")) {
                assertFalse(map(e.getValue(), e.getKey()).containsKey("ports"), e.getKey() + " is not published");
            }
        }
        Map<String, Object> storage = map(services.get("storage"), "storage");
        assertTrue(list(storage.get("volumes"), "storage.volumes").contains("outputs:/var/lib/tuneops/outputs"));
        assertEquals("/var/lib/tuneops/outputs", map(storage.get("environment"), "env").get("TUNEOPS_STORAGE_OUTPUT_PATH"));
        assertEquals(Boolean.TRUE, map(map(compose().get("networks"), "networks").get("backend"), "backend").get("internal"));
    }

    @Test
    void composeRunsTheConsoleBehindTheGatewayWithTheOwnersAddresses() throws IOException {
        Map<String, Object> services = map(compose().get("services"), "services");
        Map<String, Object> gatewayEnv = map(map(services.get("gateway"), "gateway").get("environment"), "gateway.environment");
        assertEquals("http://console:8085", gatewayEnv.get("TUNEOPS_UPSTREAM_CONSOLE"), "the gateway forwards the console's paths");

        Map<String, Object> console = map(services.get("console"), "console");
        Map<String, Object> env = map(console.get("environment"), "console.environment");
        for (Map.Entry<String, Integer> e : SERVICES.entrySet()) {
            if (!e.getKey().equals("console")) {
                String variable = "TUNEOPS_UPSTREAM_" + e.getKey().toUpperCase(Locale.ROOT);
                assertEquals("http://" + e.getKey() + ":" + e.getValue(), env.get(variable), "console-service's " + variable);
            }
        }
        assertEquals("/run/secrets/internal-secret", env.get("TUNEOPS_INTERNAL_SECRET_FILE"), "it calls the owners as the gateway does");
        assertEquals(List.of("internal-secret"), console.get("secrets"), "least privilege: no database, Redis or admin secret");
        assertTrue(env.keySet().stream().noneMatch(v -> v.startsWith("TUNEOPS_DB_") || v.startsWith("TUNEOPS_REDIS_")), env.toString());
        assertEquals(List.of("backend"), console.get("networks"), "reachable on the host's internal network only");
    }

    @Test
    void composeSecretsAreFilesEachServiceDeclares() throws IOException {
        Map<String, Object> compose = compose();
        Map<String, Object> declared = map(compose.get("secrets"), "secrets");
        for (Map.Entry<String, Object> e : declared.entrySet()) {
            assertEquals("./secrets/" + e.getKey(), map(e.getValue(), e.getKey()).get("file"));
        }
        // init-secrets.sh generates every declared file
        String init = Files.readString(ROOT.resolve("deploy/compose/init-secrets.sh"));
        for (String secret : declared.keySet()) {
            assertTrue(init.contains(secret), "init-secrets.sh generates " + secret);
        }
        Map<String, Object> services = map(compose.get("services"), "services");
        for (Map.Entry<String, Object> s : services.entrySet()) {
            Map<String, Object> svc = map(s.getValue(), s.getKey());
            List<Object> mounted = svc.containsKey("secrets") ? list(svc.get("secrets"), s.getKey()) : List.of();
            assertTrue(declared.keySet().containsAll(mounted.stream().map(Object::toString).toList()), s.getKey());
            Object environment = svc.get("environment");
            if (environment == null) {
                continue;
            }
            for (Map.Entry<String, Object> env : map(environment, s.getKey()).entrySet()) {
                String value = String.valueOf(env.getValue());
                if (env.getKey().endsWith("_FILE")) {
                    assertTrue(value.startsWith("/run/secrets/"), s.getKey() + " " + env.getKey());
                    assertTrue(mounted.contains(value.substring("/run/secrets/".length())),
                            s.getKey() + " reads " + value + " but does not mount it");
                }
                assertFalse(env.getKey().matches(".*(TOKEN|SECRET|PASSWORD|KEY)$"),
                        s.getKey() + " passes " + env.getKey() + " as a value; use the _FILE form");
            }
        }
        Map<String, Object> gateway = map(services.get("gateway"), "gateway");
        assertTrue(list(gateway.get("secrets"), "gateway").containsAll(List.of("admin-token", "api-key-secret", "internal-secret")));
        assertFalse(list(map(services.get("storage"), "storage").get("secrets"), "storage").contains("admin-token"), "least privilege");
    }

    @Test
    void composeSetsOnlyVariablesTheServicesRead() throws IOException {
        Set<String> known = knownVariables();
        Map<String, Object> services = map(compose().get("services"), "services");
        for (String name : SERVICES.keySet()) {
            for (String var : map(map(services.get(name), name).get("environment"), name).keySet()) {
                assertTrue(known.contains(var), name + " sets " + var + ", which no service reads (README Configuration, "
                        + "application.properties, EnvironmentConfigSource)");
            }
        }
        Map<String, Object> backup = map(map(services.get("backup"), "backup").get("environment"), "backup");
        assertEquals(Set.of("TUNEOPS_DB_URL", "TUNEOPS_DB_USER", "TUNEOPS_DB_PASSWORD_FILE"), backup.keySet());
        String lib = Files.readString(ROOT.resolve("deploy/backup/lib.sh"));
        backup.keySet().forEach(v -> assertTrue(lib.contains(v), "deploy/backup/lib.sh reads " + v));
    }

    /**
     * The variables a service reads: the README's Configuration table, every ${VAR} in the services'
     * configuration files, and the *_FILE forms of the secrets service-support reads from files.
     */
    static Set<String> knownVariables() throws IOException {
        Set<String> known = new HashSet<>(Set.of("JAVA_TOOL_OPTIONS"));
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("## Configuration");
        int end = readme.indexOf("\n## ", start + 5);
        assertTrue(start >= 0 && end > start, "README has a Configuration section");
        for (String line : readme.substring(start, end).split("\n")) {
            if (line.startsWith("| `")) {
                // "`TUNEOPS_UPSTREAM_WEBHOOK`, `_STORAGE`": a leading underscore continues a prefix of the first name
                Matcher m = Pattern.compile("`(_?[A-Z][A-Z0-9_]+)`").matcher(line.split("\\|")[1]);
                String first = null;
                while (m.find()) {
                    String name = m.group(1);
                    if (!name.startsWith("_")) {
                        known.add(name);
                        first = first == null ? name : first;
                    } else if (first != null) {
                        for (int i = first.indexOf('_'); i > 0; i = first.indexOf('_', i + 1)) {
                            known.add(first.substring(0, i) + name);
                        }
                    }
                }
            }
        }
        List<Path> configs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT, 6)) {
            files.filter(p -> p.toString().contains("/src/main/resources/"))
                    .filter(p -> p.getFileName().toString().matches("application\\.properties|microprofile-config\\.properties"))
                    .forEach(configs::add);
        }
        assertTrue(configs.size() >= 5, "the services' configuration files: " + configs);
        Pattern ref = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+)");
        for (Path p : configs) {
            Matcher m = ref.matcher(Files.readString(p));
            while (m.find()) {
                known.add(m.group(1));
            }
        }
        String source = Files.readString(ROOT.resolve(
                "service-support/src/main/java/io/tuneops/support/config/EnvironmentConfigSource.java"));
        Matcher list = Pattern.compile("FILE_SECRETS = List\\.of\\(([^)]*)\\)").matcher(source);
        assertTrue(list.find(), "EnvironmentConfigSource.FILE_SECRETS");
        Matcher names = Pattern.compile("\"([A-Z_]+)\"").matcher(list.group(1));
        int secrets = 0;
        while (names.find()) {
            known.add(names.group(1) + "_FILE");
            secrets++;
        }
        assertTrue(secrets >= 8, "secrets readable from files: " + secrets);
        return known;
    }

    @Test
    void dockerfileBuildsANonRootJreImageWithAHealthCheck() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile"));
        List<String> from = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile);
        while (m.find()) {
            from.add(m.group(1));
        }
        assertEquals(List.of("${JDK_IMAGE}", "${JRE_IMAGE}"), from, "multi-stage: build, then runtime");
        assertTrue(dockerfile.contains("ARG JDK_IMAGE=eclipse-temurin:17-jdk"));
        assertTrue(dockerfile.contains("ARG JRE_IMAGE=eclipse-temurin:17-jre-alpine"), "a small JRE 17 runtime");
        assertTrue(dockerfile.contains("./mvnw -B -q -pl \"${SERVICE}\" -am package -DskipTests"), "built with the wrapper");
        String runtime = dockerfile.substring(dockerfile.lastIndexOf("FROM "));
        assertTrue(runtime.contains("\nUSER 10001:10001\n"), "runs as UID 10001");
        assertFalse(runtime.contains("mvnw"), "no build tools in the runtime stage");
        assertTrue(runtime.contains("COPY --from=build /quarkus-app/lib/ /app/lib/"), "fast-jar layers");
        Matcher health = Pattern.compile("HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD ([^\\n]+)").matcher(runtime);
        assertTrue(health.find(), "HEALTHCHECK");
        assertTrue(health.group(1).contains("http://127.0.0.1:${TUNEOPS_HTTP_PORT}/q/health/live"), health.group(1));
        assertTrue(runtime.contains("ENV TUNEOPS_HTTP_PORT=${PORT}"));
        assertTrue(runtime.contains("-Djava.io.tmpdir=/tmp"), "tmp dir set (and overridable through JAVA_TOOL_OPTIONS)");
        assertTrue(runtime.contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/quarkus-run.jar\"]"), "exec form: java is PID 1");

        String ignore = Files.readString(ROOT.resolve("deploy/docker/Dockerfile.dockerignore"));
        for (String excluded : List.of("**/target/", ".git/")) {
            assertTrue(ignore.lines().anyMatch(excluded::equals), "context excludes " + excluded);
        }
        assertFalse(ignore.lines().anyMatch(l -> l.equals(".mvn/") || l.equals("mvnw")), "the wrapper is needed");

        // every module the reactor lists exists in the context (COPY . .), and the services' ports agree
        String buildSh = Files.readString(ROOT.resolve("deploy/docker/build.sh"));
        Matcher loop = Pattern.compile("(?m)^for service in ([^;]+); do$").matcher(buildSh);
        assertTrue(loop.find(), "build.sh loops over the services");
        List<String> built = List.of(loop.group(1).trim().split("\\s+"));
        for (Map.Entry<String, Integer> e : SERVICES.entrySet()) {
            assertTrue(buildSh.contains("[" + e.getKey() + "-service]=" + e.getValue()), "build.sh port of " + e.getKey());
            assertNotNull(ROOT.resolve(e.getKey() + "-service/pom.xml"));
            assertTrue(Files.isRegularFile(ROOT.resolve(e.getKey() + "-service/pom.xml")), e.getKey() + "-service is a module");
            assertTrue(built.contains(e.getKey() + "-service"), "build.sh builds " + e.getKey() + "-service: " + built);
        }
        assertEquals(serviceModules(), SERVICES.keySet(), "every *-service module of the reactor has its image and compose service");
    }

    /** The {@code <module>x-service</module>} entries of the root pom, as "x". */
    static Set<String> serviceModules() throws IOException {
        Set<String> modules = new HashSet<>();
        Matcher m = Pattern.compile("<module>([a-z-]+)-service</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }
}
