package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.storage.repository.FirstObjectEvent;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.support.notify.NotificationStandIn;
import io.tuneops.support.notify.NotificationStandIn.Received;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * upload.completed "first": written to storage.notification_outbox with a job's first object,
 * relayed to webhook-service (a stand-in), deleted once accepted, kept and retried while
 * webhook-service is unavailable, and never written for the job's later objects.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(NotificationStandIn.class)
class UploadNotificationTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Inject
    ObjectRepository objects;

    @AfterEach
    void available() {
        NotificationStandIn.unavailable(false);
    }

    @Test
    void aJobsFirstObjectIsRelayedOnceAndLeavesTheOutbox() {
        Credential c = S3TestSupport.issue(redis);
        String eventId = "evt_upload_first_" + c.jobId();
        String key = c.prefix() + "checkpoints/step-100/model.safetensors";
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromString("0123456789"));

            Received first = NotificationStandIn.awaitAccepted(eventId);
            JsonObject event = first.body();
            assertEquals("upload.completed", event.getString("event_type"));
            assertEquals(c.jobId(), event.getString("job_id"));
            assertTrue(event.getString("occurred_at") != null && !event.containsKey("user_id"), event.encode());
            assertEquals(new JsonObject().put("job_id", c.jobId()).put("position", "first").put("key", key)
                    .put("bucket", S3TestSupport.BUCKET).put("size_bytes", 10).put("objects", 1).put("bytes", 10), event.getJsonObject("data"));
            assertEquals(S3TestSupport.GATEWAY_SECRET, first.secret(), "the relay proves itself with the internal secret");
            NotificationStandIn.awaitTrue(() -> outboxRows(eventId) == 0, "the accepted event stayed in the outbox");

            // later objects of the job, overwrites included, queue nothing
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "checkpoints/step-200/model.safetensors"),
                    RequestBody.fromString("second"));
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromString("overwritten"));
            assertEquals(0, outboxRows(eventId));
        }
        // another job's first object is relayed after anything the job above could have queued
        // (the relay goes in outbox order), so once it arrived nothing more of the job can come
        Credential other = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(other)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(other.prefix() + "log.txt"), RequestBody.fromString("x"));
        }
        NotificationStandIn.awaitAccepted("evt_upload_first_" + other.jobId());
        assertEquals(1, NotificationStandIn.received(eventId).size(), "the job's first object was reported once");
    }

    @Test
    void onlyTheWriteThatMarksTheJobQueuesItsEvent() {
        // what every replica relies on, whether or not it saw the job before: the marker decides
        String jobId = "job-marker-" + UUID.randomUUID().toString().substring(0, 8);
        FirstObjectEvent first = new FirstObjectEvent(jobId, "evt_upload_first_" + jobId,
                new JsonObject().put("event_id", "evt_upload_first_" + jobId).put("event_type", "upload.completed").encode());
        assertTrue(write(new ObjectRow(S3TestSupport.BUCKET, jobId + "/a", 1, "etag", "text/plain", null, null, null, null, null,
                null, null), first));
        assertFalse(write(new ObjectRow(S3TestSupport.BUCKET, jobId + "/b", 1, "etag", "text/plain", null, null, null, null, null,
                null, null), first));
        assertFalse(write(new ObjectRow(S3TestSupport.BUCKET, jobId + "/a", 2, "etag", "text/plain", null, null, null, null, null,
                null, null), first));
        // nothing woke the relay for this row, which the other tests' expectations do not include
        pool.preparedQuery("DELETE FROM storage.notification_outbox WHERE event_id = $1").execute(Tuple.of(first.eventId()))
                .await().atMost(Duration.ofSeconds(10));
    }

    private boolean write(ObjectRow row, FirstObjectEvent first) {
        return pool.withTransaction(tx -> objects.upsert(tx, row, first)).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aMultipartUploadCanBeTheFirstObject() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "final/model.safetensors";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String uploadId = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            String etag = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(new byte[1234])).eTag();
            s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        }
        JsonObject data = NotificationStandIn.awaitAccepted("evt_upload_first_" + c.jobId()).body().getJsonObject("data");
        assertEquals(key, data.getString("key"));
        assertEquals(1234L, data.getLong("size_bytes"));
    }

    @Test
    void whileWebhookServiceIsUnavailableTheEventStaysAndIsRetried() {
        // a pass stops at the first row webhook-service does not take: this event is to be that row
        NotificationStandIn.awaitTrue(() -> outboxRows() == 0, "the outbox never emptied");
        NotificationStandIn.unavailable(true);
        Credential c = S3TestSupport.issue(redis);
        String eventId = "evt_upload_first_" + c.jobId();
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "samples/0001.png"), RequestBody.fromString("png"));
        }
        List<Received> refused = NotificationStandIn.awaitReceived(eventId, 3);
        assertTrue(refused.stream().allMatch(r -> r.status() == 503), "tried and retried while unavailable");
        assertEquals(1, outboxRows(eventId), "the event stays in the outbox until webhook-service has it");

        NotificationStandIn.unavailable(false);
        NotificationStandIn.awaitAccepted(eventId);
        NotificationStandIn.awaitTrue(() -> outboxRows(eventId) == 0, "the accepted event stayed in the outbox");
        // every attempt carries the same event, so webhook-service stores it once
        List<Received> all = NotificationStandIn.received(eventId);
        assertTrue(all.stream().allMatch(r -> r.body().equals(all.get(0).body())), "a retry sends the same event");
    }

    private long outboxRows() {
        return pool.query("SELECT count(*) FROM storage.notification_outbox").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    private long outboxRows(String eventId) {
        return pool.preparedQuery("SELECT count(*) FROM storage.notification_outbox WHERE event_id = $1")
                .execute(Tuple.of(eventId)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }
}
