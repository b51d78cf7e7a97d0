package io.tuneops.gateway.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.config.SignInConfig;
import io.tuneops.gateway.repository.UserRecord;
import io.tuneops.gateway.security.PasswordHasher;
import io.tuneops.gateway.security.SignInLockout;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Signing a person in with their username and password. Every attempt that gets as far as a
 * password costs one Argon2id verification, whether the username exists, is inactive, has no
 * password or the password is wrong, so the time of an answer tells nothing about which. A
 * username with too many failures is locked for a while ({@link SignInLockout}); a locked
 * username is refused before any check, a right password included. Each outcome is audited
 * (login.succeeded, login.failed, login.locked), never with the password.
 */
@ApplicationScoped
public class SignInService {

    /** Longer than any username: refused without being looked up (but still costs a verification). */
    private static final int MAX_USERNAME = 64;
    /** Longer than any sensible password: Argon2 would take it, but there is no reason to hash megabytes. */
    private static final int MAX_PASSWORD = 1024;
    private static final Duration FAILURE_FOLDING = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(SignInService.class);

    private final UserService users;
    private final SessionService sessions;
    private final PasswordHasher passwords;
    private final SignInLockout lockout;
    private final GatewayAuditTrail audit;
    private final SignInConfig config;

    public SignInService(UserService users, SessionService sessions, PasswordHasher passwords, SignInLockout lockout,
                         GatewayAuditTrail audit, SignInConfig config) {
        this.users = users;
        this.sessions = sessions;
        this.passwords = passwords;
        this.lockout = lockout;
        this.audit = audit;
        this.config = config;
    }

    /** How a sign-in ended. */
    public enum Result {
        /** Signed in: a new session. */
        SIGNED_IN,
        /** A wrong username or password (which one is not said). */
        REFUSED,
        /** The username is locked for a while. */
        LOCKED
    }

    /**
     * A sign-in's outcome: the new session and the user as they are (null when signed in with an
     * API key) when signed in, the seconds a locked username stays locked.
     */
    public record Outcome(Result result, SessionService.SignedIn session, UserRecord user, long retryAfterSeconds) {

        public static Outcome signedIn(SessionService.SignedIn session, UserRecord user) {
            return new Outcome(Result.SIGNED_IN, session, user, 0);
        }

        public static Outcome refused() {
            return new Outcome(Result.REFUSED, null, null, 0);
        }

        static Outcome locked(long retryAfterSeconds) {
            return new Outcome(Result.LOCKED, null, null, retryAfterSeconds);
        }
    }

    /** The details of the sign-in audit events: the username tried, never the password. */
    record SignInAudit(String username, Long locked_for_seconds, Integer max_failures, Long failure_window_seconds)
            implements AuditDetails {
    }

    public Uni<Outcome> signIn(String username, String password, String clientIp) {
        String name = username == null ? "" : username.trim();
        String secret = password == null ? "" : password;
        if (name.length() > MAX_USERNAME) {
            name = name.substring(0, MAX_USERNAME);
        }
        String tried = name.toLowerCase(Locale.ROOT);
        return lockout.lockedFor(tried).chain(locked -> locked > 0 ? locked(tried, locked, clientIp)
                : check(tried, secret, clientIp));
    }

    private Uni<Outcome> check(String username, String password, String clientIp) {
        Uni<Optional<UserRecord>> found = username.isEmpty() ? Uni.createFrom().item(Optional.empty()) : users.findByUsername(username);
        return found.chain(user -> {
            // an unknown, inactive or password-less user is checked against a decoy hash: the same cost
            String hash = user.filter(UserRecord::active).map(UserRecord::passwordHash).orElse(null);
            boolean tooLong = password.length() > MAX_PASSWORD;
            return passwords.verifyOffLoop(tooLong ? "" : password, hash).chain(right -> right && !tooLong && hash != null
                    ? succeeded(user.get(), clientIp)
                    : failed(username, user.map(UserRecord::id).orElse(null), clientIp));
        });
    }

    private Uni<Outcome> succeeded(UserRecord user, String clientIp) {
        return lockout.succeeded(user.username().toLowerCase(Locale.ROOT))
                .chain(() -> sessions.openFor(user.person()))
                .call(() -> users.recordSignIn(user.id()))
                .call(() -> bestEffort(audit.append(AuditEvent.of("login.succeeded", "user:" + user.username(), clientIp,
                        "user", user.id(), "sign-in", new SignInAudit(user.username(), null, null, null)))))
                .map(session -> Outcome.signedIn(session, user));
    }

    private Uni<Outcome> failed(String username, String userId, String clientIp) {
        return lockout.failed(username).chain(lockedFor -> {
            if (lockedFor > 0) {
                return bestEffort(audit.append(AuditEvent.of("login.locked", "anonymous", clientIp, "user",
                                userId == null ? username : userId, "lock", new SignInAudit(username, lockedFor,
                                        config.maxFailures(), config.failureWindow().toSeconds()))))
                        .replaceWith(Outcome.locked(lockedFor));
            }
            // folded per username and minute, like other failed credentials: a guessing flood does not flood the trail
            return audit.appendCoalesced("login-failed:" + username, FAILURE_FOLDING, AuditEvent.of("login.failed", "anonymous",
                            clientIp, "user", userId == null ? username : userId, "sign-in",
                            new SignInAudit(username, null, null, null)))
                    .replaceWith(Outcome.refused());
        });
    }

    /** A sign-in at a locked username: refused unchecked, audited once per lock at most. */
    private Uni<Outcome> locked(String username, long seconds, String clientIp) {
        return audit.appendCoalesced("login-locked:" + username, Duration.ofSeconds(seconds), AuditEvent.of("login.locked",
                        "anonymous", clientIp, "user", username, "deny", new SignInAudit(username, seconds, config.maxFailures(),
                                config.failureWindow().toSeconds())))
                .replaceWith(Outcome.locked(seconds));
    }

    private static Uni<Void> bestEffort(Uni<Void> append) {
        return append.onFailure().invoke(e -> LOG.warnf("sign-in audit event not appended: %s", e.toString()))
                .onFailure().recoverWithNull();
    }
}
