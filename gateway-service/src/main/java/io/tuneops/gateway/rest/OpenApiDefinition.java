package io.tuneops.gateway.rest;

import io.tuneops.gateway.session.SessionCookie;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The gateway's own part of the public API description (served at /q/openapi; the combined one is
 * /api/openapi): its API keys, console sessions, sign-in and people, the two ways a key is presented, under the
 * scheme names every service uses, and the session cookie. An {@link Application} because SmallRye
 * OpenAPI reads {@code @OpenAPIDefinition} from one (or from a package); it adds no routes and
 * leaves every resource in place.
 */
@OpenAPIDefinition(
        info = @Info(title = "tuneops gateway-service", version = "0.1.0"),
        tags = {
                @Tag(name = OpenApiDefinition.API_KEYS_TAG, description = "API keys: create, list, revoke, and who a key is"),
                @Tag(name = OpenApiDefinition.SESSIONS_TAG, description = "The operator console's sign-in: an API key exchanged"
                        + " for a session cookie (tuneops_session: HttpOnly, SameSite=Strict, Secure over HTTPS), which"
                        + " ends when idle (8 h), after 24 h, at sign-out or when its key is revoked. The cookie"
                        + " authenticates /api routes as its key would; an unsafe method (POST, PUT, PATCH, DELETE)"
                        + " authenticated by it needs the session's CSRF token in X-CSRF-Token and no other site's Origin."),
                @Tag(name = OpenApiDefinition.SIGN_IN_TAG, description = "Signing a person in with a username and password"
                        + " (a session cookie, as for the console), signing out, and who is signed in. Five failed"
                        + " sign-ins of one username within 15 minutes lock it for 15 minutes (TUNEOPS_SIGN_IN_*)."),
                @Tag(name = OpenApiDefinition.PEOPLE_TAG, description = "Users (role viewer, operator or admin), their API"
                        + " keys, organisations, teams and memberships. A key's scopes are capped by its user's role;"
                        + " a deactivated user's keys and sessions stop at once."),
        },
        components = @Components(securitySchemes = {
                @SecurityScheme(securitySchemeName = OpenApiDefinition.BEARER, type = SecuritySchemeType.HTTP,
                        scheme = "bearer", description = "An API key as a bearer token: Authorization: Bearer <key>"),
                @SecurityScheme(securitySchemeName = OpenApiDefinition.API_KEY, type = SecuritySchemeType.APIKEY,
                        in = SecuritySchemeIn.HEADER, apiKeyName = "X-API-Key",
                        description = "An API key in the X-API-Key header"),
                @SecurityScheme(securitySchemeName = OpenApiDefinition.SESSION, type = SecuritySchemeType.APIKEY,
                        in = SecuritySchemeIn.COOKIE, apiKeyName = SessionCookie.NAME,
                        description = "A console session (POST /api/auth/session), for browsers")
        }))
public class OpenApiDefinition extends Application {

    public static final String BEARER = "bearer";
    public static final String API_KEY = "X-API-Key";
    public static final String API_KEYS_TAG = "API keys";
    public static final String SESSION = "session";
    public static final String SESSIONS_TAG = "Sessions";
    public static final String SIGN_IN_TAG = "Sign-in";
    public static final String PEOPLE_TAG = "People";
}
