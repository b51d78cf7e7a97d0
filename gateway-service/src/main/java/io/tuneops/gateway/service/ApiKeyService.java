package io.tuneops.gateway.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.repository.ApiKeyRecord;
import io.tuneops.gateway.repository.ApiKeyRepository;
import io.tuneops.gateway.repository.SessionRepository;
import io.tuneops.gateway.security.ApiKeyAuthenticator;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.KeyHasher;
import io.tuneops.gateway.security.LiveKeyPrefixes;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creating and revoking API keys. Each change and its audit event stand or fall together: the
 * event is appended as the transaction's last step before its COMMIT (see StoreDeadlines), so a
 * change whose event cannot be recorded is rolled back (and the caller gets a 503), and a change
 * that is not committed in time leaves no event. A failure says which step failed
 * ({@link KeyChangeFailure}): the database, or the audit trail.
 */
@ApplicationScoped
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);

    private final ApiKeyRepository repository;
    private final KeyHasher hasher;
    private final ApiKeyAuthenticator authenticator;
    private final GatewayAuditTrail audit;
    private final SessionRepository sessions;
    private final StoreDeadlines deadlines;
    private final LiveKeyPrefixes prefixes;

    public ApiKeyService(ApiKeyRepository repository, KeyHasher hasher, ApiKeyAuthenticator authenticator, GatewayAuditTrail audit,
                         SessionRepository sessions, StoreDeadlines deadlines, LiveKeyPrefixes prefixes) {
        this.repository = repository;
        this.hasher = hasher;
        this.authenticator = authenticator;
        this.audit = audit;
        this.sessions = sessions;
        this.deadlines = deadlines;
        this.prefixes = prefixes;
    }

    public record Created(ApiKeyRecord record, String key) {
    }

    /** The details of an {@code api_key.created} audit event: never the key itself. */
    record KeyCreated(String name, List<String> scopes, String expires_at, String user_id) implements AuditDetails {
    }

    /** The details of an {@code api_key.revoked} audit event. */
    record KeyRevoked(String name) implements AuditDetails {
    }

    /** A key of the user {@code userId}, whose role caps its scopes when it is used. */
    public Uni<Created> create(String name, List<String> scopes, OffsetDateTime expiresAt, String userId, Identity by,
                               String clientIp) {
        KeyHasher.NewKey generated = hasher.generate();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        ApiKeyRecord record = new ApiKeyRecord("key_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20),
                name, generated.prefix(), generated.hash(), scopes, now, by.actor(), expiresAt, null, userId);
        AuditEvent event = AuditEvent.of("api_key.created", by.actor(), clientIp, "api_key", record.id(), "create",
                new KeyCreated(name, scopes, expiresAt == null ? null : expiresAt.toString(), userId));
        // the prefix is listed before the COMMIT: whoever holds the key finds it listed (LiveKeyPrefixes)
        return deadlines.transaction(repository.pool(), tx -> repository.insert(tx, record).call(() -> prefixes.add(record.prefix())),
                        (inserted, left) -> audited(audit.append(event, left)))
                .onFailure().transform(KeyChangeFailure::of)
                .replaceWith(new Created(record, generated.key()));
    }

    /** The audit step of a change: its failure is the audit trail's, whatever store it came from. */
    private static Uni<Void> audited(Uni<Void> append) {
        return append.onFailure().transform(e -> new KeyChangeFailure(KeyChangeFailure.Step.AUDIT_TRAIL, e));
    }

    public Uni<List<ApiKeyRecord>> list() {
        return repository.list();
    }

    /** The user's keys, newest first. */
    public Uni<List<ApiKeyRecord>> listOf(String userId) {
        return repository.listOf(userId);
    }

    /**
     * Revokes the key and ends its console sessions. Should Redis fail to end them here, each one
     * still ends at its next request, which finds the key revoked.
     *
     * @param userId the key's owner, or null for any
     * @return false when there is no such key (of that owner), or it was revoked already
     */
    public Uni<Boolean> revoke(String id, String userId, Identity by, String clientIp) {
        return deadlines.transaction(repository.pool(), tx -> repository.revoke(tx, id, userId, OffsetDateTime.now(ZoneOffset.UTC)),
                        (revoked, left) -> revoked.isEmpty() ? Uni.createFrom().voidItem()
                                : audited(audit.append(AuditEvent.of("api_key.revoked", by.actor(), clientIp, "api_key", id,
                                "revoke", new KeyRevoked(revoked.get().name())), left)))
                .onFailure().transform(KeyChangeFailure::of)
                .invoke(revoked -> revoked.ifPresent(k -> authenticator.forget(k.prefix())))
                .call(revoked -> revoked.isEmpty() ? Uni.createFrom().voidItem() : prefixes.remove(revoked.get().prefix()))
                .call(revoked -> revoked.isEmpty() ? Uni.createFrom().voidItem() : sessions.endAllOf(id)
                        .onFailure().invoke(e -> LOG.warnf("sessions of revoked key %s not ended in Redis: %s", id, e.toString()))
                        .onFailure().recoverWithNull()
                        .replaceWithVoid())
                .map(Optional::isPresent);
    }
}
