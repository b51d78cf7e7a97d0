package io.tuneops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * deploy/local/run.sh, read statically: it starts every service module on its port and tells each
 * where the others are. Starting it for real takes the packaged services and embedded servers, which
 * system-tests' LocalRunIT does.
 */
class LocalRunScriptTest {

    @Test
    void startsEveryServiceOnItsPortAndPointsThemAtEachOther() throws IOException {
        Path runSh = ImageAndComposeTest.ROOT.resolve("deploy/local/run.sh");
        String script = Files.readString(runSh);
        Scripts.Result syntax = Scripts.shell("bash -n '" + runSh + "'");
        assertEquals(0, syntax.exitCode(), "run.sh parses: " + syntax);

        Matcher list = Pattern.compile("(?m)^services=\\(([^)]*)\\)$").matcher(script);
        assertTrue(list.find(), "run.sh lists its services");
        List<String> started = List.of(list.group(1).trim().split("\\s+"));
        assertEquals(ImageAndComposeTest.SERVICES.keySet().stream().map(s -> s + "-service").toList(), started,
                "every service module, gateway first");

        for (Map.Entry<String, Integer> e : ImageAndComposeTest.SERVICES.entrySet()) {
            String module = e.getKey() + "-service";
            int offset = e.getValue() - 8080;
            String port = offset == 0 ? "[" + module + "]=$base" : "[" + module + "]=$((base + " + offset + "))";
            assertTrue(script.contains(port), "run.sh gives " + module + " the port base + " + offset);
            String upstream = "export TUNEOPS_UPSTREAM_" + e.getKey().toUpperCase(Locale.ROOT) + "=http://127.0.0.1:${ports["
                    + module + "]}";
            assertTrue(script.contains(upstream), "run.sh tells the services where " + module + " is: " + upstream);
        }
        // console-service owns no API route, so the gateway's readiness says nothing about it
        assertTrue(script.contains("http_status \"${ports[console-service]}\" /q/health/ready"),
                "run.sh waits for console-service's own readiness");
    }
}
