package io.tuneops.system;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The tokenizer the observability check reads metric names with (no suite needed). */
class PromQlNamesTest {

    @Test
    void namesAreWhatIsLeftAfterFunctionsKeywordsLabelsStringsAndDurations() {
        assertEquals(Set.of("http_server_requests_seconds_count"), PromQlNames.of(
                "sum by (namespace) (rate(http_server_requests_seconds_count{job=~\".*gateway.*\", status=~\"5..\"}[5m]))\n"
                        + "  / sum by (namespace) (rate(http_server_requests_seconds_count{job=~\".*gateway.*\"}[5m])) > 0.05"));
        assertEquals(Set.of("a_total", "b"), PromQlNames.of(
                "sum(rate(a_total[$__rate_interval] offset 1h)) without (pod) / on(namespace, cronjob) group_left(x) b > bool 1e3"));
        assertEquals(Set.of("kube_cronjob_status_last_successful_time", "kube_cronjob_next_schedule_time"), PromQlNames.of(
                "(time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{cronjob=~\".*backup.*\"})) > 1.5 * "
                        + "max by (namespace,cronjob)(kube_cronjob_next_schedule_time - kube_cronjob_status_last_successful_time)"));
        assertEquals(Set.of("x:recorded:rate5m", "y"), PromQlNames.of(
                "label_replace(x:recorded:rate5m, \"dst\", \"$1\", \"src\", \"(.*)}\") unless y{a=\"}{\"} or vector(0) and Inf"));
        assertEquals(Set.of("m"), PromQlNames.of("topk(15, max_over_time(m[1h:5m])) # a comment naming not_a_metric"));
        assertEquals(Set.of("m", "bytes"), PromQlNames.of("count without(pod) (m) / sum BY (a) (bytes)"));
        assertEquals(Set.of("jvm_memory_used_bytes"), PromQlNames.of("sum by(instance)(jvm_memory_used_bytes{job=~\"$job\", instance=~\"${instance:regex}\"})"));
    }

    @Test
    void grafanaVariableQueries() {
        assertEquals(Set.of("process_uptime_seconds"), PromQlNames.ofVariableQuery("label_values(process_uptime_seconds, job)"));
        assertEquals(Set.of("process_uptime_seconds"), PromQlNames.ofVariableQuery("label_values(process_uptime_seconds{job=~\"$job\"}, instance)"));
        assertEquals(Set.of("up"), PromQlNames.ofVariableQuery("query_result(count by (job) (up))"));
        assertEquals(Set.of(), PromQlNames.ofVariableQuery("label_values(job)"));
    }

    @Test
    void unbalancedInputIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> PromQlNames.of("rate(x{a=\"b\"[5m])"));
        assertThrows(IllegalArgumentException.class, () -> PromQlNames.of("x{a=\"b}"));
    }
}
