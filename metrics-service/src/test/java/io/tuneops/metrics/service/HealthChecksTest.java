package io.tuneops.metrics.service;

import io.tuneops.metrics.service.HealthChecks.Component;
import io.tuneops.metrics.service.HealthChecks.Report;
import io.tuneops.support.figures.ProviderHealth;
import io.tuneops.support.figures.ProviderHealthList;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tuneops.metrics.service.HealthChecks.DEGRADED;
import static io.tuneops.metrics.service.HealthChecks.HEALTHY;
import static io.tuneops.metrics.service.HealthChecks.UNHEALTHY;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HealthChecksTest {

    private static Component up(String name) {
        return new Component(name, HEALTHY, 1.0, "fine");
    }

    private static Component down(String name) {
        return new Component(name, UNHEALTHY, 1.0, "not fine");
    }

    @Test
    void postgresOrRedisDownIsUnhealthyAnythingElseDegrades() {
        assertEquals(HEALTHY, HealthChecks.overall(List.of(up("database"), up("redis"), up("audit-service"))));
        assertEquals(DEGRADED, HealthChecks.overall(List.of(up("database"), up("redis"), down("audit-service"))));
        assertEquals(DEGRADED, HealthChecks.overall(List.of(up("database"), up("redis"),
                new Component("secrets", DEGRADED, null, "missing"))));
        assertEquals(UNHEALTHY, HealthChecks.overall(List.of(down("audit-service"), down("redis"), up("database"))));
        assertEquals(UNHEALTHY, HealthChecks.overall(List.of(down("database"), up("redis"))));
    }

    @Test
    void providerChecksBecomeNamedComponents() {
        List<Component> components = HealthChecks.providerComponents(new ProviderHealthList(List.of(
                new ProviderHealth("replicate", "unhealthy", 12.5, "HTTP 401"),
                new ProviderHealth("generic", "healthy", null, "nothing to call"))));
        assertEquals(List.of(new Component("provider:replicate", "unhealthy", 12.5, "HTTP 401"),
                new Component("provider:generic", "healthy", null, "nothing to call")), components);
        assertEquals(List.of(), HealthChecks.providerComponents(new ProviderHealthList(null)));
    }

    @Test
    void anUnhealthyProviderDegradesOnlyAHealthySuite() {
        Report healthy = new Report(HEALTHY, 10, List.of(up("database")));
        Report degraded = HealthChecks.withProviders(healthy, List.of(down("provider:replicate")));
        assertEquals(DEGRADED, degraded.status());
        assertEquals(List.of("database", "provider:replicate"), degraded.components().stream().map(Component::name).toList());

        Report unhealthy = new Report(UNHEALTHY, 10, List.of(down("database")));
        assertEquals(UNHEALTHY, HealthChecks.withProviders(unhealthy, List.of(down("provider:replicate"))).status());
    }

    @Test
    void providerChecksThatCannotBeReadDoNotDegrade() {
        Report healthy = new Report(HEALTHY, 10, List.of(up("database")));
        assertEquals(HEALTHY, HealthChecks.withProviders(healthy,
                List.of(new Component("providers", "unknown", null, "provider checks unavailable"))).status());
        assertEquals(HEALTHY, HealthChecks.withProviders(healthy,
                List.of(new Component("provider:replicate", "unconfigured", null, "no API token"))).status());
    }
}
