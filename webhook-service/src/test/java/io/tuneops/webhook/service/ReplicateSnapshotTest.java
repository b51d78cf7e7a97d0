package io.tuneops.webhook.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tuneops.webhook.client.ReplicateApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A training as Replicate's API returns it, turned into the snapshot the state machine applies. */
class ReplicateSnapshotTest {

    /** Like the REST client's (Quarkus') mapper: Replicate may send fields tuneops does not read. */
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static ReplicateApi.Training training(String json) throws Exception {
        return JSON.readValue(json, ReplicateApi.Training.class);
    }

    @Test
    void aFinishedTrainingBringsItsOutputRunTimeAndStatus() throws Exception {
        Snapshot s = JobService.snapshot(training("""
                {"id": "tr_1", "status": "succeeded", "logs": "done", "output": {"weights": "https://r/w.tar"},
                 "error": null, "metrics": {"predict_time": 42.5, "total_time": 50}}"""));
        assertEquals("tr_1", s.id());
        assertEquals(JobStatus.COMPLETED, s.mapped());
        assertEquals(new JsonObject().put("weights", "https://r/w.tar"), s.output());
        assertEquals(42.5, s.predictTime());
        assertNull(s.error());
    }

    @Test
    void anUnknownStatusCountsAsStartingAndAnErrorIsText() throws Exception {
        Snapshot s = JobService.snapshot(training("{\"id\": \"tr_2\", \"status\": \"warming\", \"error\": \"boom\"}"));
        assertEquals("starting", s.status());
        assertEquals("boom", s.error());
        assertNull(s.output());
        assertNull(s.predictTime());
    }

    @Test
    void everyKindOfJsonValueIsStoredAsTheDatabaseClientTakesIt() throws Exception {
        assertEquals(new JsonArray().add("a").add(1), JobService.storable(JSON.readTree("[\"a\", 1]")));
        assertEquals("https://r/o.png", JobService.storable(JSON.readTree("\"https://r/o.png\"")));
        assertEquals(3, JobService.storable(JSON.readTree("3")));
        assertEquals(true, JobService.storable(JSON.readTree("true")));
        assertNull(JobService.storable(JSON.readTree("null")));
        assertNull(JobService.storable(null));
        JsonNode error = JSON.readTree("{\"code\": 7}");
        assertEquals("{\"code\":7}", JobService.text(error), "a structured error is kept as its JSON");
    }
}
