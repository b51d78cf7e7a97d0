package io.tuneops.webhook.service.notify;

/**
 * Who asks for a change, as the gateway vouched: audit events name {@code actor}; {@code userId}
 * is the person (null for a credential of no user), {@code admin} whether their role is admin.
 */
public record Requester(String actor, String clientIp, String userId, boolean admin) {
}
