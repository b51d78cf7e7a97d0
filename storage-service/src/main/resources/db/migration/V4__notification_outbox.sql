-- Notification events (upload.completed) on their way to webhook-service, which owns delivery.
-- A row is written in the transaction that stores the object it reports; the relay
-- (service-support OutboxRelay) posts it and deletes it once webhook-service accepted it.
-- payload: the event as io.tuneops.support.notify.NotificationEventPayload JSON.
CREATE TABLE storage.notification_outbox (
    seq        bigserial PRIMARY KEY,
    event_id   text        NOT NULL UNIQUE,
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The jobs that have stored an object, so that only a job's first object reports
-- upload.completed "first": the write of an object inserts its job here ON CONFLICT DO NOTHING and
-- queues the event only when that inserted the row (a replica that saw the job store an object
-- skips both for its later ones).
CREATE TABLE storage.jobs_with_objects (
    job_id          text PRIMARY KEY,
    first_object_at timestamptz NOT NULL DEFAULT now()
);

-- Jobs that stored objects before this migration already had their first one: without them a job
-- uploading across the upgrade would report its next object as its first. Keys start with the
-- job's prefix, which webhook-service issues as '<job_id>/'.
INSERT INTO storage.jobs_with_objects (job_id, first_object_at)
SELECT split_part(key, '/', 1), min(last_modified)
FROM storage.objects
WHERE position('/' IN key) > 1
GROUP BY 1;
