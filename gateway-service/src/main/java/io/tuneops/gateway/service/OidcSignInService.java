package io.tuneops.gateway.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.config.OidcConfig;
import io.tuneops.gateway.repository.UserEmailRepository;
import io.tuneops.gateway.repository.UserRecord;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.Scope;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sign-in with the OpenID Connect provider, once quarkus-oidc has completed the code flow and
 * verified the ID token: the token's e-mail address names the tuneops user, who must exist and be
 * active (the provider proves who someone is; tuneops alone decides who may use it), and that user
 * gets an ordinary console session, as a password sign-in does. With auto-provisioning on, an
 * address nobody has yet becomes a new viewer first.
 */
@ApplicationScoped
public class OidcSignInService {

    private static final Logger LOG = Logger.getLogger(OidcSignInService.class);
    private static final String METHOD = "oidc";
    private static final Duration FAILURE_COALESCING = Duration.ofMinutes(1);
    /** The longest username (UserResource's rule); a longer address is not provisioned. */
    private static final int MAX_USERNAME = 64;
    private static final int MAX_DISPLAY_NAME = 100;
    /** Who creates an auto-provisioned user, in its user.created event. */
    private static final Identity PROVISIONING = new Identity("oidc-auto-provisioning", "OpenID Connect sign-in", Set.of());

    /**
     * What the provider vouched for in its verified ID token; {@code emailVerified} is null when it
     * did not say, {@code name} when it gave none.
     */
    public record VerifiedClaims(String issuer, String subject, String email, Boolean emailVerified, String name) {
    }

    public sealed interface Outcome permits SignedIn, Refused {
    }

    /** A session was opened; its token goes into the cookie. */
    public record SignedIn(SessionService.SignedIn session) implements Outcome {
    }

    public record Refused(Reason reason) implements Outcome {
    }

    public enum Reason {
        /** The token has no e-mail address in the configured claim. */
        NO_EMAIL,
        /** The provider says the address is not verified: anyone could have typed it. */
        EMAIL_NOT_VERIFIED,
        /** Not exactly one active tuneops user has the address (none, only deactivated ones, or several). */
        NO_ACTIVE_USER
    }

    /** The details of the sign-in audit events (as a password sign-in's, with the provider's word). */
    record OidcSignInAudit(String username, String method, String provider, String subject, String email, String reason)
            implements AuditDetails {
    }

    private final UserService users;
    private final UserEmailRepository emails;
    private final SessionService sessions;
    private final GatewayAuditTrail audit;
    private final OidcConfig config;

    public OidcSignInService(UserService users, UserEmailRepository emails, SessionService sessions, GatewayAuditTrail audit,
                             OidcConfig config) {
        this.users = users;
        this.emails = emails;
        this.sessions = sessions;
        this.audit = audit;
        this.config = config;
    }

    public Uni<Outcome> signIn(VerifiedClaims claims, String clientIp) {
        String email = claims.email() == null ? "" : claims.email().trim();
        if (email.isEmpty()) {
            return refuse(claims, clientIp, Reason.NO_EMAIL);
        }
        if (Boolean.FALSE.equals(claims.emailVerified()) || config.requireVerifiedEmail() && !Boolean.TRUE.equals(claims.emailVerified())) {
            return refuse(claims, clientIp, Reason.EMAIL_NOT_VERIFIED);
        }
        return users.findActiveByEmail(email).flatMap(found -> {
            if (found.isPresent()) {
                return open(found.get(), claims, clientIp);
            }
            if (!config.autoProvision() || email.length() > MAX_USERNAME) {
                return refuse(claims, clientIp, Reason.NO_ACTIVE_USER);
            }
            // a deactivated user's address stays theirs: provisioning must not let them back in
            return emails.taken(email).flatMap(taken -> taken
                    ? refuse(claims, clientIp, Reason.NO_ACTIVE_USER)
                    : provision(email, claims, clientIp));
        });
    }

    /**
     * A new viewer named after the address (usernames may hold one, and it is unique, whatever its
     * case); when the name is taken by now (another sign-in at the same moment), nobody is signed in.
     */
    private Uni<Outcome> provision(String email, VerifiedClaims claims, String clientIp) {
        String username = email.toLowerCase(Locale.ROOT);
        String name = claims.name() == null || claims.name().isBlank() ? username : claims.name().strip();
        UserService.NewUser user = new UserService.NewUser(username,
                name.length() > MAX_DISPLAY_NAME ? name.substring(0, MAX_DISPLAY_NAME) : name, email, Scope.VIEWER, null,
                config.autoProvisionOrg(), List.of());
        return users.create(user, PROVISIONING, clientIp)
                .flatMap(created -> open(created, claims, clientIp))
                .onFailure(PeopleFailure.class).recoverWithUni(e -> {
                    LOG.warnf("OpenID Connect user %s not provisioned: %s", username, e.getMessage());
                    return refuse(claims, clientIp, Reason.NO_ACTIVE_USER);
                });
    }

    private Uni<Outcome> open(UserRecord user, VerifiedClaims claims, String clientIp) {
        return sessions.openFor(user.person())
                .call(() -> users.recordSignIn(user.id()))
                // best effort, as a password sign-in's event: the session is the user's by now
                .call(() -> audit.append(AuditEvent.of("login.succeeded", "user:" + user.username(), clientIp, "user",
                                user.id(), "sign-in", new OidcSignInAudit(user.username(), METHOD, config.providerName(), claims.subject(),
                                        claims.email(), null)))
                        .onFailure().invoke(e -> LOG.warnf("sign-in audit event not appended: %s", e.toString()))
                        .onFailure().recoverWithNull())
                .map(SignedIn::new);
    }

    private Uni<Outcome> refuse(VerifiedClaims claims, String clientIp, Reason reason) {
        LOG.infof("OpenID Connect sign-in refused (%s): subject %s, e-mail %s", reason, claims.subject(), claims.email());
        return audit.appendCoalesced("login-failed:" + METHOD + ":" + clientIp, FAILURE_COALESCING,
                        AuditEvent.of("login.failed", "anonymous", clientIp, "user", claims.email(), "sign-in",
                                new OidcSignInAudit(null, METHOD, config.providerName(), claims.subject(), claims.email(),
                                        reason.name().toLowerCase(Locale.ROOT))))
                .replaceWith(new Refused(reason));
    }
}
