package io.tuneops.webhook.service;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogFollowerTest {

    @Test
    void eachLookAnswersTheWholeLinesItAdds() {
        LogFollower follower = new LogFollower();
        assertEquals(List.of(), follower.next(null, false));
        assertEquals(List.of("epoch 1", "epoch 2"), follower.next("epoch 1\r\nepoch 2\nepo", false));
        assertEquals(List.of(), follower.next("epoch 1\r\nepoch 2\nepo", false));
        assertEquals(List.of("epoch 3"), follower.next("epoch 1\r\nepoch 2\nepoch 3\n", false));
        // the last look takes a line that never got its newline
        assertEquals(List.of("saving"), follower.next("epoch 1\r\nepoch 2\nepoch 3\nsaving", true));
    }

    @Test
    void aTailWhoseFrontWasCutStillGivesOnlyWhatFollows() {
        LogFollower follower = new LogFollower();
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            log.append("step ").append(i).append('\n');
        }
        assertEquals(300, follower.next(log.toString(), false).size());
        log.append("step 300\nstep 301\n");
        // the store keeps the newest 1,000 characters only
        String tail = log.substring(log.length() - 1000);
        assertEquals(List.of("step 300", "step 301"), follower.next(tail, false));
    }
}
