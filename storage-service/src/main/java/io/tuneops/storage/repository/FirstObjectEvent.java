package io.tuneops.storage.repository;

/**
 * The {@code upload.completed} event of a job's first object, ready for the notification outbox:
 * written only if the object it comes with is the first its job stores
 * ({@link ObjectRepository#upsert(io.vertx.mutiny.sqlclient.SqlClient, ObjectRow, FirstObjectEvent)}).
 *
 * @param payload the event as NotificationEventPayload JSON
 */
public record FirstObjectEvent(String jobId, String eventId, String payload) {
}
