package io.tuneops.gateway.security;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.AuthConfig;
import io.tuneops.gateway.repository.Person;
import io.tuneops.gateway.repository.UserRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The people that sessions act for, cached per replica as API keys are (the key cache TTL, 1 s by
 * default, refreshed in the background before that): a person's session costs no database query
 * per request, and a deactivation, a new role or new teams reach every replica within that time.
 */
@ApplicationScoped
public class PersonCache {

    private final AsyncLoadingCache<String, Optional<Person>> byId;

    public PersonCache(UserRepository users, AuthConfig config) {
        this.byId = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(config.keyCacheTtl())
                .refreshAfterWrite(config.keyCacheTtl().dividedBy(2))
                .buildAsync((id, executor) -> users.findPerson(id).subscribeAsCompletionStage());
    }

    /** The person's identity as it stands: {@code now} from the cache, else {@code later}; empty once inactive or gone. */
    public ApiKeyAuthenticator.Verdict current(String userId) {
        CompletableFuture<Optional<Person>> cached = byId.getIfPresent(userId);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            return new ApiKeyAuthenticator.Verdict(active(cached.join()), null);
        }
        return new ApiKeyAuthenticator.Verdict(null, Uni.createFrom().completionStage(byId.get(userId)).map(PersonCache::active));
    }

    private static Optional<Identity> active(Optional<Person> person) {
        return person.filter(Person::active).map(Identity::of);
    }

    /** Forget what this replica knows of the person at once (the replica that changed them). */
    public void forget(String userId) {
        byId.synchronous().invalidate(userId);
    }
}
