package io.tuneops.gateway.security;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.ConsoleConfig;
import io.tuneops.gateway.repository.SessionRecord;
import io.tuneops.gateway.repository.SessionRepository;
import io.tuneops.gateway.security.ApiKeyAuthenticator.KeyBinding;
import io.tuneops.gateway.session.SessionTokens;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a session cookie into the identity of the API key the session was opened with. Each use
 * restarts the session's idle timeout and asks whether that key still holds (revoked, expired and
 * replaced keys end their sessions here too, besides the revocation ending them in Redis), and
 * the identity carries the key's current scopes. A person's own session likewise asks whether the
 * person is still active, and carries their current role and teams.
 */
@ApplicationScoped
public class SessionAuthenticator {

    private static final Logger LOG = Logger.getLogger(SessionAuthenticator.class);

    /** A session in use: what Redis holds, and who it acts as. */
    public record ActiveSession(SessionRecord record, Identity identity) {
    }

    private final SessionRepository sessions;
    private final ApiKeyAuthenticator keys;
    private final PersonCache people;
    private final Duration idleTimeout;

    public SessionAuthenticator(SessionRepository sessions, ApiKeyAuthenticator keys, PersonCache people, ConsoleConfig config) {
        this.sessions = sessions;
        this.keys = keys;
        this.people = people;
        this.idleTimeout = config.session().idleTimeout();
    }

    /** The session a cookie's token stands for; empty when it is malformed, unknown or ended. */
    public Uni<Optional<ActiveSession>> resolve(String token) {
        return resolve(token, true);
    }

    /**
     * As {@link #resolve(String)}; {@code active} false for a request the browser makes by itself
     * (a page refreshing its figures), which leaves the idle timeout running: an open tab is not
     * someone at the keyboard.
     */
    public Uni<Optional<ActiveSession>> resolve(String token, boolean active) {
        if (!SessionTokens.wellFormed(token)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return sessions.touch(SessionTokens.id(token), active ? idleTimeout : Duration.ZERO, Instant.now())
                .flatMap(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<ActiveSession>empty()) : withKey(found.get()));
    }

    private Uni<Optional<ActiveSession>> withKey(SessionRecord session) {
        ApiKeyAuthenticator.Verdict verdict = session.personal() ? people.current(session.userId())
                : keys.current(new KeyBinding(session.keyPrefix().isEmpty() ? null : session.keyPrefix(), session.keyCheck()));
        Uni<Optional<Identity>> identity = verdict.now() != null ? Uni.createFrom().item(verdict.now()) : verdict.later();
        return identity.flatMap(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(Optional.of(new ActiveSession(session, found.get())));
            }
            // the key (or the person) no longer holds: the session goes with it
            return sessions.end(session.id(), session.keyId())
                    .onFailure().invoke(e -> LOG.warnf("session of a key that no longer holds not removed: %s", e.toString()))
                    .onFailure().recoverWithNull()
                    .replaceWith(Optional.<ActiveSession>empty());
        });
    }
}
