package io.tuneops.webhook.service.quota;

/** Whose quotas apply to a submit: null members match no quota of that scope (a key that belongs to no user). */
public record QuotaSubject(String userId, String orgId, String teamId) {
}
