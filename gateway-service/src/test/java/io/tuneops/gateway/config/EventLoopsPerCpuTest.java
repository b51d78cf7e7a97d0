package io.tuneops.gateway.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The gateway's event-loop count follows its CPUs, and operators can still set it. */
class EventLoopsPerCpuTest {

    private static int loops(EventLoopsPerCpu source, Map<String, String> overrides, int overridesOrdinal) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(source, new PropertiesConfigSource(overrides, "overrides", overridesOrdinal))
                .build();
        return config.getValue(EventLoopsPerCpu.PROPERTY, Integer.class);
    }

    private static final long MB = 1024 * 1024;

    @Test
    void oneLoopPerCpuWhereQuarkusWouldRunAtLeastTwo() {
        assertEquals(1, loops(new EventLoopsPerCpu(1, 384 * MB), Map.of(), 300));
        assertEquals(4, loops(new EventLoopsPerCpu(4, 384 * MB), Map.of(), 300));
    }

    @Test
    void atMostOneLoopPer10MbOfHeapAndNeverNone() {
        assertEquals(3, loops(new EventLoopsPerCpu(64, 30 * MB), Map.of(), 300));
        assertEquals(1, loops(new EventLoopsPerCpu(64, 5 * MB), Map.of(), 300));
    }

    @Test
    void theEnvironmentAndApplicationPropertiesOverrideIt() {
        Map<String, String> three = Map.of(EventLoopsPerCpu.PROPERTY, "3");
        assertEquals(3, loops(new EventLoopsPerCpu(1, 384 * MB), three, 300)); // environment
        assertEquals(3, loops(new EventLoopsPerCpu(1, 384 * MB), three, 250)); // application.properties
    }
}
