package io.tuneops.gateway.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.ConsoleConfig;
import io.tuneops.gateway.repository.Person;
import io.tuneops.gateway.repository.SessionRecord;
import io.tuneops.gateway.repository.SessionRepository;
import io.tuneops.gateway.security.ApiKeyAuthenticator;
import io.tuneops.gateway.security.ApiKeyAuthenticator.KeyBinding;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.SessionAuthenticator;
import io.tuneops.gateway.security.SessionAuthenticator.ActiveSession;
import io.tuneops.gateway.session.SessionTokens;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The console's sign-in: an active API key, or a person who proved who they are (password, single
 * sign-on), is exchanged for a session (a random token for the cookie, stored only as its hash,
 * and a CSRF token), and sign-out ends it.
 */
@ApplicationScoped
public class SessionService {

    /** Longer than any key (45 characters) or sensible bootstrap token: not even hashed. */
    private static final int MAX_KEY_LENGTH = 512;

    /** A new session: the token goes into the cookie and nowhere else. */
    public record SignedIn(String token, SessionRecord session, Identity identity) {
    }

    private final ApiKeyAuthenticator keys;
    private final SessionAuthenticator sessions;
    private final SessionRepository repository;
    private final Duration idleTimeout;
    private final Duration lifetime;

    public SessionService(ApiKeyAuthenticator keys, SessionAuthenticator sessions, SessionRepository repository,
                          ConsoleConfig config) {
        this.keys = keys;
        this.sessions = sessions;
        this.repository = repository;
        this.idleTimeout = config.session().idleTimeout();
        this.lifetime = config.session().lifetime();
    }

    /** A session for an active key; empty when the key is missing, unknown, revoked or expired. */
    public Uni<Optional<SignedIn>> signIn(String apiKey) {
        String presented = apiKey == null ? "" : apiKey.trim();
        if (presented.isEmpty() || presented.length() > MAX_KEY_LENGTH) {
            return Uni.createFrom().item(Optional.empty());
        }
        ApiKeyAuthenticator.Verdict verdict = keys.authenticate(presented);
        Uni<Optional<Identity>> identity = verdict.now() != null ? Uni.createFrom().item(verdict.now()) : verdict.later();
        return identity.flatMap(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<SignedIn>empty())
                : open(found.get(), keys.bindingOf(presented, found.get())).map(Optional::of));
    }

    private Uni<SignedIn> open(Identity identity, KeyBinding binding) {
        String token = SessionTokens.newToken();
        SessionRecord session = new SessionRecord(SessionTokens.id(token), identity.actor(),
                binding.prefix() == null ? "" : binding.prefix(), binding.check(), SessionTokens.newToken(),
                Instant.now().plus(lifetime).truncatedTo(ChronoUnit.MILLIS), "");
        return repository.create(session, idleTimeout, lifetime).replaceWith(new SignedIn(token, session, identity));
    }

    /**
     * A session of the person's own, for a person whose credentials were checked (a password, an
     * identity provider's answer): it acts with their role and ends when they are deactivated.
     */
    public Uni<SignedIn> openFor(Person person) {
        String token = SessionTokens.newToken();
        SessionRecord session = new SessionRecord(SessionTokens.id(token), person.id(), "", "", SessionTokens.newToken(),
                Instant.now().plus(lifetime).truncatedTo(ChronoUnit.MILLIS), person.id());
        return repository.create(session, idleTimeout, lifetime).replaceWith(new SignedIn(token, session, Identity.of(person)));
    }

    /** The session a cookie stands for, if it is still on. */
    public Uni<Optional<ActiveSession>> current(String token) {
        return token == null ? Uni.createFrom().item(Optional.empty()) : sessions.resolve(token);
    }

    public Uni<Void> signOut(ActiveSession session) {
        return repository.end(session.record().id(), session.record().keyId());
    }
}
