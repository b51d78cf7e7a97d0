package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.console.Browser.Scope;
import org.jboss.logging.Logger;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs page with its largest page of rows (500, the owner's maximum) stays within a server-time
 * budget. Measured from the client over loopback, so the time includes the fake owner's answer
 * and the page's transfer: the console's own share is smaller.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class JobsPageBudgetTest {

    private static final Logger LOG = Logger.getLogger(JobsPageBudgetTest.class);
    /** Median over the measured renders; generous for a 2-core machine shared with builds. */
    static final long BUDGET_MS = 300;

    @AfterEach
    void reset() {
        FakeOwners.get().reset();
    }

    @Test
    void fiveHundredRowsRenderWithinTheBudget() {
        FakeOwners.get().manyJobs(500);
        for (int i = 0; i < 10; i++) {
            render("/jobs?limit=500");
        }
        long[] millis = new long[21];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            String body = render(i % 2 == 0 ? "/jobs?limit=500" : "/jobs/rows?limit=500");
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            if (i == 0) {
                Document page = Browser.html(body);
                assertEquals(500, page.select("#job-rows tr").size());
            }
        }
        Arrays.sort(millis);
        long median = millis[millis.length / 2];
        LOG.infof("jobs page with 500 rows: median %d ms, max %d ms over %d renders", median, millis[millis.length - 1],
                millis.length);
        assertTrue(median < BUDGET_MS, "median " + median + " ms, budget " + BUDGET_MS + " ms: " + Arrays.toString(millis));
    }

    private static String render(String path) {
        return Browser.as(Scope.VIEWER).get(path).then().statusCode(200).extract().asString();
    }
}
