package io.tuneops.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneops.local.LocalServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** deploy/smoke-test.sh, the production smoke test, against the running suite. */
@ExtendWith(Suite.Extension.class)
class SmokeTestScriptIT {

    private static final Path SCRIPT = Path.of(System.getProperty("tuneops.root", "..")).toAbsolutePath().normalize()
            .resolve("deploy/smoke-test.sh");
    private static final List<String> CHECKS = List.of("health ready", "health", "auth: no API key is refused with 401",
            "auth: a wrong API key is refused with 401", "providers list", "job list", "metrics export", "audit query",
            "storage: ListBuckets answers S3 XML", "storage: an unsigned request gets an S3 XML error", "correlation id");

    private final Suite suite = Suite.Extension.suite();

    private ExternalCommand.Result smoke(String key) {
        return ExternalCommand.run(Duration.ofSeconds(60), Map.of("TUNEOPS_ADMIN_KEY", key),
                List.of("bash", SCRIPT.toString(), suite.gateway("")));
    }

    @Test
    void passesAgainstAHealthyDeployment() {
        ExternalCommand.Result r = smoke(Suite.ADMIN_TOKEN);
        assertEquals(0, r.exit(), r.output());
        for (String check : CHECKS) {
            assertTrue(r.output().contains("\nPASS " + check) || r.output().startsWith("PASS " + check), check + ":\n" + r.output());
        }
        assertFalse(r.output().contains("FAIL"), r.output());
        assertTrue(r.output().contains("smoke-test: " + CHECKS.size() + " passed, 0 failed"), r.output());
    }

    @Test
    void failsWithALinePerFailedCheck() {
        ExternalCommand.Result r = smoke("not-the-admin-key-0000000000000000");
        assertEquals(1, r.exit(), r.output());
        for (String check : List.of("providers list", "job list", "audit query", "storage ListBuckets")) {
            assertTrue(r.output().contains("FAIL " + check), check + ":\n" + r.output());
        }
        assertTrue(r.output().contains("HTTP 401"), r.output());
        assertTrue(r.output().contains(", 4 failed"), r.output());

        ExternalCommand.Result down = ExternalCommand.run(Duration.ofSeconds(60), Map.of("TUNEOPS_ADMIN_KEY", Suite.ADMIN_TOKEN),
                List.of("bash", SCRIPT.toString(), "http://127.0.0.1:" + LocalServers.freePort()));
        assertEquals(1, down.exit(), down.output());
        assertTrue(down.output().contains("smoke-test: 0 passed, " + CHECKS.size() + " failed"), down.output());

        ExternalCommand.Result noKey = ExternalCommand.run(Duration.ofSeconds(60), Map.of(),
                List.of("bash", SCRIPT.toString(), suite.gateway("")));
        assertEquals(2, noKey.exit(), noKey.output());
        assertTrue(noKey.output().contains("usage:"), noKey.output());
    }
}
