package io.tuneops.gateway.security;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.AuthConfig;
import io.tuneops.gateway.repository.ApiKeyRecord;
import io.tuneops.gateway.repository.ApiKeyRepository;
import io.tuneops.gateway.repository.OwnedKey;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Turns a presented key into an {@link Identity}. Keys are looked up by prefix and cached per
 * replica for at most the key cache TTL (1 s by default), refreshed in the background before
 * that, so a revocation or expiry is seen by every replica within it without a database query on
 * every request. A prefix that no key has is known from a set in Redis ({@link LiveKeyPrefixes}),
 * so guessed keys cost no database query either. A key is read with its owner (role, active,
 * organisation, teams) in the same query and cached with it: a key's scopes are capped by its
 * owner's role, and a deactivated owner's keys stop within the same time as a revoked key.
 */
@ApplicationScoped
public class ApiKeyAuthenticator {

    public static final String BOOTSTRAP_ADMIN = "bootstrap-admin";

    private final KeyHasher hasher;
    private final byte[] adminHash;
    private final AsyncLoadingCache<String, Optional<OwnedKey>> byPrefix;

    public ApiKeyAuthenticator(KeyHasher hasher, ApiKeyRepository repository, LiveKeyPrefixes prefixes, AuthConfig config) {
        this.hasher = hasher;
        this.adminHash = config.adminToken().filter(t -> !t.isBlank()).map(hasher::hash).orElse(null);
        this.byPrefix = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(config.keyCacheTtl())
                .refreshAfterWrite(config.keyCacheTtl().dividedBy(2))
                // a prefix no key has (a guess) is refused without asking the database
                .buildAsync((prefix, executor) -> prefixes.mayExist(prefix)
                        .chain(mayExist -> mayExist ? repository.findByPrefix(prefix)
                                : Uni.createFrom().item(Optional.<OwnedKey>empty()))
                        .subscribeAsCompletionStage());
    }

    private static final Identity ADMIN = new Identity(BOOTSTRAP_ADMIN, BOOTSTRAP_ADMIN, EnumSet.of(Scope.ADMIN));

    /**
     * The verdict on a presented key: {@code now} when this replica can give it without waiting
     * (bootstrap key, malformed key, or a key it has cached), otherwise {@code later}, once the
     * key has been looked up. The key is hashed once either way.
     */
    public record Verdict(Optional<Identity> now, Uni<Optional<Identity>> later) {
    }

    public Verdict authenticate(String presented) {
        byte[] hash = hasher.hash(presented);
        if (adminHash != null && KeyHasher.same(hash, adminHash)) {
            return new Verdict(Optional.of(ADMIN), null);
        }
        String prefix = KeyHasher.prefixOf(presented);
        if (prefix == null) {
            return new Verdict(Optional.empty(), null);
        }
        CompletableFuture<Optional<OwnedKey>> cached = byPrefix.getIfPresent(prefix);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            return new Verdict(verify(cached.join(), hash), null);
        }
        return new Verdict(null, Uni.createFrom().completionStage(byPrefix.get(prefix)).map(found -> verify(found, hash)));
    }

    /**
     * What a console session remembers of the key it was opened with: the key's lookup prefix
     * (null for the bootstrap key) and a check value, the SHA-256 of the key's stored hash, which
     * tells a replaced bootstrap key or a re-used prefix from the key itself and is no use for
     * signing in.
     */
    public record KeyBinding(String prefix, String check) {
    }

    /** The binding of a key that {@link #authenticate} accepted as {@code identity}. */
    public KeyBinding bindingOf(String presented, Identity identity) {
        byte[] hash = hasher.hash(presented);
        return new KeyBinding(BOOTSTRAP_ADMIN.equals(identity.actor()) ? null : KeyHasher.prefixOf(presented), check(hash));
    }

    /**
     * The identity of a session's key as the key stands now, with its current scopes: empty once
     * it is revoked, expired or replaced. From the same per-replica cache as {@link #authenticate},
     * so a revocation reaches sessions as fast as it reaches keys.
     */
    public Verdict current(KeyBinding binding) {
        if (binding.prefix() == null) {
            boolean stillTheKey = adminHash != null && KeyHasher.same(
                    check(adminHash).getBytes(StandardCharsets.US_ASCII), binding.check().getBytes(StandardCharsets.US_ASCII));
            return new Verdict(stillTheKey ? Optional.of(ADMIN) : Optional.empty(), null);
        }
        CompletableFuture<Optional<OwnedKey>> cached = byPrefix.getIfPresent(binding.prefix());
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            return new Verdict(bound(cached.join(), binding), null);
        }
        return new Verdict(null, Uni.createFrom().completionStage(byPrefix.get(binding.prefix())).map(found -> bound(found, binding)));
    }

    private static Optional<Identity> bound(Optional<OwnedKey> found, KeyBinding binding) {
        return usable(found, key -> KeyHasher.same(check(key.secretHash()).getBytes(StandardCharsets.US_ASCII),
                binding.check().getBytes(StandardCharsets.US_ASCII)));
    }

    private static String check(byte[] keyHash) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(keyHash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Identity> verify(Optional<OwnedKey> found, byte[] hash) {
        return usable(found, key -> KeyHasher.same(hash, key.secretHash()));
    }

    /** The identity of the key if it is the one presented, neither revoked nor expired, and its owner active. */
    private static Optional<Identity> usable(Optional<OwnedKey> found, Predicate<ApiKeyRecord> presented) {
        return found.filter(owned -> presented.test(owned.key()))
                .filter(owned -> owned.key().usableAt(OffsetDateTime.now(ZoneOffset.UTC)) && owned.owner().active())
                .map(ApiKeyAuthenticator::identity);
    }

    /** Forget what this replica knows of a key at once (the replica that revoked it). */
    public void forget(String prefix) {
        byPrefix.synchronous().invalidate(prefix);
    }

    /** Forget what this replica knows of these keys at once (the replica that changed their owner). */
    public void forget(Iterable<String> prefixes) {
        byPrefix.synchronous().invalidateAll(prefixes);
    }

    private static Identity identity(OwnedKey owned) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Scope role = owned.owner().role();
        owned.key().scopes().forEach(s -> Scope.parse(s).ifPresent(scope -> scopes.add(scope.atMost(role))));
        return new Identity(owned.key().id(), owned.key().name(), scopes, owned.owner(), owned.key().expiresAt());
    }
}
