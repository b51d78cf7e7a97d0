package io.tuneops.storage.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tuneops.storage.repository.FirstObjectEvent;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.support.notify.NotificationEventPayload;
import io.tuneops.support.notify.OutboxRelay;
import io.tuneops.support.notify.OutboxRelays;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The notifications storage-service reports: {@code upload.completed} with position "first" when
 * a job stores its first object (webhook-service reports the last one, when the job ends). The
 * event is written to storage.notification_outbox in the transaction that stores the object
 * ({@link io.tuneops.storage.repository.ObjectRepository}), and this service's
 * {@link OutboxRelay} hands it to webhook-service.
 *
 * <p>The event's subject is the job alone: an upload credential names no user, team or
 * organisation, which webhook-service takes from the job when it stores the event.
 */
@ApplicationScoped
public class UploadNotifications {

    static final String OUTBOX = "storage.notification_outbox";
    static final String EVENT_TYPE = "upload.completed";
    static final String EVENT_ID_PREFIX = "evt_upload_first_";
    /** Job ids that fit an event id as they are (webhook-service's are job_ and 20 hex digits). */
    private static final Pattern PLAIN_JOB_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    /** How many jobs {@link #jobsWithObjects} holds before it starts over. */
    static final int REMEMBERED_JOBS = 10_000;

    /**
     * The event's data, as the notifications contract names it; {@code objects} and {@code bytes}
     * are the job's totals so far, which for its first object are that object.
     */
    record FirstObject(@JsonProperty("job_id") String jobId, String position, String key, String bucket,
                       @JsonProperty("size_bytes") long sizeBytes, long objects, long bytes) {

        static FirstObject of(String jobId, ObjectRow row) {
            return new FirstObject(jobId, "first", row.key(), row.bucket(), row.size(), 1, row.size());
        }
    }

    private final OutboxRelay relay;
    private final ObjectMapper json;
    /**
     * Jobs this replica saw store an object (their first-object marker is committed), whose next
     * objects therefore need neither the event nor the marker's probe: a small-object PUT stays as
     * cheap as it was. Forgetting a job costs its next object one probe, so the set is simply
     * emptied when full.
     */
    private final Set<String> jobsWithObjects = ConcurrentHashMap.newKeySet();

    public UploadNotifications(OutboxRelays relays, ObjectMapper json) {
        this.relay = relays.forTable(OUTBOX);
        this.json = json;
    }

    void start(@Observes StartupEvent event) {
        relay.start();
    }

    void stop(@Observes ShutdownEvent event) {
        relay.stop();
    }

    /**
     * The event to queue should {@code row} be the first object of the job {@code credential}
     * belongs to; null when no job stores it, or when this replica knows the job stored one before.
     */
    public FirstObjectEvent firstObject(UploadCredential credential, ObjectRow row) {
        if (credential == null || jobsWithObjects.contains(credential.jobId())) {
            return null;
        }
        String jobId = credential.jobId();
        String eventId = eventId(jobId);
        NotificationEventPayload payload = new NotificationEventPayload(eventId, EVENT_TYPE, null,
                OffsetDateTime.now(ZoneOffset.UTC), jobId, null, null, null,
                json.valueToTree(FirstObject.of(jobId, row)));
        try {
            return new FirstObjectEvent(jobId, eventId, json.writeValueAsString(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("upload.completed event not encodable", e);
        }
    }

    /**
     * The object written with {@code firstObject} (null for none) is committed, and with it its
     * job's marker; {@code queued} when it was the job's first object, whose event is relayed now.
     */
    public void committed(FirstObjectEvent firstObject, boolean queued) {
        if (firstObject == null) {
            return;
        }
        if (jobsWithObjects.size() >= REMEMBERED_JOBS) {
            jobsWithObjects.clear();
        }
        jobsWithObjects.add(firstObject.jobId());
        if (queued) {
            relay.wake();
        }
    }

    /**
     * One id per job, so that the event is stored once whatever happens on the way; a job id that
     * could not be part of an event id is represented by its SHA-256.
     */
    static String eventId(String jobId) {
        if (PLAIN_JOB_ID.matcher(jobId).matches()) {
            return EVENT_ID_PREFIX + jobId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            return EVENT_ID_PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
