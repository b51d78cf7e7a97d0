package io.tuneops.support.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestStageTest {

    @Test
    void stagesRunInTheOrderTheyAreDeclared() {
        RequestStage[] stages = RequestStage.values();
        for (int i = 1; i < stages.length; i++) {
            assertTrue(stages[i - 1].order() < stages[i].order(),
                    stages[i - 1] + " (" + stages[i - 1].order() + ") must run before " + stages[i] + " (" + stages[i].order() + ")");
        }
    }

    @Test
    void quarkusFiltersRunBetweenTheChecksAndTheRoutes() {
        // Quarkus installs its filters (CORS at priority 300, HTTP security below it) at minus their priority
        assertTrue(RequestStage.RATE_LIMIT.order() < -300);
        assertTrue(RequestStage.ROUTES.order() > 0);
    }
}
