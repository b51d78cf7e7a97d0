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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static final HealthChecks.ProviderChecks PER_PROVIDER = new HealthChecks.ProviderChecks(true, false);
    private static final HealthChecks.ProviderChecks REPLICATE_API = new HealthChecks.ProviderChecks(false, true);
    private static final ProviderHealthList CHECKED = new ProviderHealthList(List.of(
            new ProviderHealth("replicate", "unhealthy", 12.5, "HTTP 401"),
            new ProviderHealth("generic", "healthy", null, "nothing to call")));

    @Test
    void providerChecksBecomeNamedComponents() {
        assertEquals(List.of(new Component("provider:replicate", "unhealthy", 12.5, "HTTP 401"),
                new Component("provider:generic", "healthy", null, "nothing to call")),
                HealthChecks.providerComponents(CHECKED, PER_PROVIDER));
        assertEquals(List.of(), HealthChecks.providerComponents(new ProviderHealthList(null), PER_PROVIDER));
    }

    @Test
    void theOriginalsReplicateCheckIsTheReplicateApiComponent() {
        assertEquals(List.of(new Component("replicate_api", "unhealthy", 12.5, "HTTP 401")),
                HealthChecks.providerComponents(CHECKED, REPLICATE_API));
        assertEquals(List.of(new Component("provider:replicate", "unhealthy", 12.5, "HTTP 401"),
                        new Component("provider:generic", "healthy", null, "nothing to call"),
                        new Component("replicate_api", "unhealthy", 12.5, "HTTP 401")),
                HealthChecks.providerComponents(CHECKED, new HealthChecks.ProviderChecks(true, true)));
        assertEquals(List.of(new Component("replicate_api", DEGRADED, null, "webhook-service reported no Replicate check")),
                HealthChecks.providerComponents(new ProviderHealthList(List.of()), REPLICATE_API));
    }

    @Test
    void providerStatusesStayWithinHealthyDegradedUnhealthy() {
        List<Component> components = HealthChecks.providerComponents(new ProviderHealthList(List.of(
                new ProviderHealth("replicate", "unconfigured", null, "no API token configured"),
                new ProviderHealth("future", "sideways", null, "?"),
                new ProviderHealth("none", null, null, null))), new HealthChecks.ProviderChecks(true, true));
        assertEquals(List.of(DEGRADED, DEGRADED, DEGRADED, DEGRADED), components.stream().map(Component::status).toList());
        assertEquals("no API token configured", components.get(3).message());
        assertEquals(List.of("providers", "replicate_api"), HealthChecks.unavailable(
                new HealthChecks.ProviderChecks(true, true), "down").stream().map(Component::name).toList());
        assertTrue(HealthChecks.unavailable(PER_PROVIDER, "down").stream().allMatch(c -> DEGRADED.equals(c.status())));
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
    void providerChecksThatCannotBeReadOrHaveNoTokenDoNotDegrade() {
        Report healthy = new Report(HEALTHY, 10, List.of(up("database")));
        assertEquals(HEALTHY, HealthChecks.withProviders(healthy,
                HealthChecks.unavailable(PER_PROVIDER, "provider checks unavailable")).status());
        assertEquals(HEALTHY, HealthChecks.withProviders(healthy, HealthChecks.providerComponents(new ProviderHealthList(
                List.of(new ProviderHealth("replicate", "unconfigured", null, "no API token"))), REPLICATE_API)).status());
    }
}
