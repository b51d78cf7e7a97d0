package io.tuneops.gateway.rest;

import inet.ipaddr.IPAddress;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.repository.ApiKeyRecord;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.Scope;
import io.tuneops.gateway.service.ApiKeyService;
import io.tuneops.gateway.service.KeyChangeFailure;
import io.tuneops.gateway.service.UserService;
import io.tuneops.support.http.BackingStoreFailures;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys: an admin manages every key, anyone else their own (as under /api/users/{id}/api-keys);
 * whoami for any caller. The 401 answer below comes from the gateway guard; every error is
 * {@code {"detail": ...}}.
 */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDefinition.API_KEYS_TAG)
@SecurityRequirement(name = OpenApiDefinition.BEARER)
@SecurityRequirement(name = OpenApiDefinition.API_KEY)
@APIResponse(responseCode = "401", description = "No API key, or an invalid, expired or revoked one",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "403", description = "The key lacks the scope the route needs",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
public class ApiKeyResource {

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:@/-]{1,100}");
    private static final int MAX_EXPIRES_DAYS = 365;

    private final ApiKeyService keys;

    public ApiKeyResource(ApiKeyService keys) {
        this.keys = keys;
    }

    /**
     * A new key. {@code expires_days} and {@code scoped_permissions} are the original tool's fields,
     * for its command-line client: days from now, and permissions this suite does not have (only
     * an empty list is taken).
     */
    public record CreateRequest(String name, List<String> scopes, String expires_at, Integer expires_days,
                                List<String> scoped_permissions) {

        public CreateRequest(String name, List<String> scopes, String expires_at) {
            this(name, scopes, expires_at, null, null);
        }
    }

    public record KeyView(String id, String name, String prefix, List<String> scopes, String created_at,
                          String created_by, String expires_at, String revoked_at, String status, String user_id) {
        static KeyView of(ApiKeyRecord k) {
            OffsetDateTime now = OffsetDateTime.now();
            String status = k.revokedAt() != null ? "revoked" : (k.usableAt(now) ? "active" : "expired");
            return new KeyView(k.id(), k.name(), "tok_" + k.prefix(), k.scopes(), iso(k.createdAt()), k.createdBy(),
                    iso(k.expiresAt()), iso(k.revokedAt()), status, k.userId());
        }
    }

    /** The only time the key itself is shown; {@code key_info} is the key as the original tool's client reads it. */
    public record CreatedView(String id, String name, List<String> scopes, String created_at, String expires_at,
                              String key, String user_id, KeyInfo key_info) {
        static CreatedView of(ApiKeyService.Created created) {
            ApiKeyRecord k = created.record();
            return new CreatedView(k.id(), k.name(), k.scopes(), iso(k.createdAt()), iso(k.expiresAt()), created.key(), k.userId(),
                    new KeyInfo(k.id(), k.name(), "tok_" + k.prefix(), iso(k.createdAt()), null, iso(k.expiresAt()), true, List.of()));
        }
    }

    /** The original tool's description of a new key. */
    public record KeyInfo(String id, String name, String key_prefix, String created_at, String last_used_at,
                          String expires_at, boolean is_active, List<String> scoped_permissions) {
    }

    public record KeyList(List<KeyView> api_keys) {
    }

    public record FieldError(String field, String message) {
    }

    public record ValidationError(String detail, List<FieldError> errors) {
    }

    public record WhoAmI(String actor, String name, List<String> scopes, String client_ip) {
    }

    @POST
    @Path("/api-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createApiKey", summary = "Create an API key of one's own",
            description = "The key itself is in this answer only; it is stored as a keyed hash. Its scopes may not exceed"
                    + " the key or session that asks; without scopes it gets the asker's. The expiry is expires_at or"
                    + " expires_days (1 to 365); a key that expires makes keys that expire no later: without either the"
                    + " new key expires with it. key_info describes the key as the original tool's client reads it.")
    @APIResponse(responseCode = "201", description = "Created; the answer holds the key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreatedView.class)))
    @APIResponse(responseCode = "400", description = "Invalid name, scopes or expiry; each field's problem is listed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "403", description = "Scopes beyond, or an expiry later than, the key or session that asks",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many keys created from this address (10 per minute)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not created: the database is unavailable, or the audit event could not"
            + " be recorded; the detail says which, Retry-After when to retry",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> create(CreateRequest body, @Context RoutingContext rc) {
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON body with name and scopes is required"));
        }
        Identity by = identity(rc);
        List<FieldError> errors = new ArrayList<>();
        // without scopes (the original tool's client sends none) a key acts with the scope of who asks
        NewKey key = NewKey.of(body, errors, by.role());
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Response.status(400)
                    .entity(new ValidationError("Invalid API key request", errors)).build());
        }
        Optional<Response> beyond = key.beyond(by);
        if (beyond.isPresent()) {
            return Uni.createFrom().item(beyond.get());
        }
        Optional<Response> outlives = key.outlives(by);
        if (outlives.isPresent()) {
            return Uni.createFrom().item(outlives.get());
        }
        NewKey allowed = key.expiringWith(by);
        // a person's key is their own; the bootstrap admin key belongs to nobody, so its keys go to the bootstrap user
        String owner = by.person() != null ? by.person().id() : UserService.BOOTSTRAP_USER;
        return keys.create(allowed.name(), allowed.scopes(), allowed.expiresAt(), owner, by, clientIp(rc))
                .map(created -> Response.status(201).entity(CreatedView.of(created)).build())
                .onFailure().recoverWithItem(e -> notChanged("API key not created", e));
    }

    /** A key request that passed validation. */
    record NewKey(String name, List<String> scopes, OffsetDateTime expiresAt) {

        /**
         * The request's key; each field's problem is added to {@code errors} (then the key is not
         * usable). Without scopes the key gets {@code defaultScope}; with none given, scopes are required.
         */
        static NewKey of(CreateRequest body, List<FieldError> errors, Scope defaultScope) {
            if (body.name() == null || !NAME.matcher(body.name()).matches()) {
                errors.add(new FieldError("name", "1 to 100 letters, digits, spaces or ._:@/-"));
            }
            if (body.scoped_permissions() != null && !body.scoped_permissions().isEmpty()) {
                errors.add(new FieldError("scoped_permissions", "permissions are not supported here: use scopes"
                        + " (admin, operator or viewer), which the user's role caps"));
            }
            LinkedHashSet<String> scopes = new LinkedHashSet<>();
            if (body.scopes() == null && defaultScope != null) {
                scopes.add(defaultScope.id());
            } else if (body.scopes() == null || body.scopes().isEmpty()) {
                errors.add(new FieldError("scopes", "at least one of admin, operator, viewer"));
            } else {
                for (String s : body.scopes()) {
                    if (s == null || Scope.parse(s).isEmpty()) {
                        errors.add(new FieldError("scopes", "unknown scope '" + s + "': use admin, operator or viewer"));
                    } else {
                        scopes.add(s);
                    }
                }
            }
            OffsetDateTime expiresAt = null;
            if (body.expires_days() != null) {
                if (body.expires_at() != null) {
                    errors.add(new FieldError("expires_days", "give expires_at or expires_days, not both"));
                } else if (body.expires_days() < 1 || body.expires_days() > MAX_EXPIRES_DAYS) {
                    errors.add(new FieldError("expires_days", "must be a whole number of days from 1 to " + MAX_EXPIRES_DAYS));
                } else {
                    expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plusDays(body.expires_days()).withNano(0);
                }
            }
            if (body.expires_at() != null) {
                try {
                    expiresAt = OffsetDateTime.parse(body.expires_at());
                    if (!expiresAt.isAfter(OffsetDateTime.now())) {
                        errors.add(new FieldError("expires_at", "must be in the future"));
                    }
                } catch (DateTimeParseException e) {
                    errors.add(new FieldError("expires_at", "must be an ISO 8601 time with offset, e.g. 2027-01-31T00:00:00Z"));
                }
            }
            return new NewKey(body.name(), List.copyOf(scopes), expiresAt);
        }

        /** 403 naming the scopes beyond the key or session that asks: a viewer key of an admin makes viewer keys. */
        Optional<Response> beyond(Identity caller) {
            List<String> above = scopes.stream().filter(s -> !caller.has(Scope.parse(s).orElseThrow())).toList();
            return above.isEmpty() ? Optional.empty() : Optional.of(JsonErrorMappers.json(403, String.join(", ", above)
                    + " exceeds the scope of the key or session that asks ('" + caller.role().id() + "')"));
        }

        /** 403 when the asked expiry is past the asking key's: a key makes no key that outlives it. */
        Optional<Response> outlives(Identity caller) {
            OffsetDateTime limit = caller.expiresAt();
            return limit != null && expiresAt != null && expiresAt.isAfter(limit)
                    ? Optional.of(JsonErrorMappers.json(403, "expires_at " + iso(expiresAt)
                            + " is later than the key that asks, which expires at " + iso(limit)))
                    : Optional.empty();
        }

        /** This key, expiring with the asking key when no expiry was asked. */
        NewKey expiringWith(Identity caller) {
            return expiresAt == null && caller.expiresAt() != null ? new NewKey(name, scopes, caller.expiresAt()) : this;
        }
    }

    @GET
    @Path("/api-keys")
    @Operation(operationId = "listApiKeys", summary = "List the API keys, never their secrets: every key for an admin,"
            + " the caller's own keys for anyone else")
    @APIResponse(responseCode = "200", description = "The keys, newest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyList.class)))
    public Uni<KeyList> list(@Context RoutingContext rc) {
        Identity by = identity(rc);
        return (by.has(Scope.ADMIN) ? keys.list() : keys.listOf(by.person().id()))
                .map(all -> new KeyList(all.stream().map(KeyView::of).toList()));
    }

    @DELETE
    @Path("/api-keys/{id}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key: any key for an admin, one's own for anyone else",
            description = "Every gateway replica refuses the key within the key cache time (1 s by default);"
                    + " its console sessions end at once.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No active key with this id",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not revoked: PostgreSQL or Redis (the audit event) did not answer in time",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> revoke(@Parameter(description = "The key's id (key_...)") @PathParam("id") String id,
                                @Context RoutingContext rc) {
        if (id.length() > 64) {
            return Uni.createFrom().item(JsonErrorMappers.json(404, "No active API key " + id.substring(0, 64) + "..."));
        }
        Identity by = identity(rc);
        return keys.revoke(id, by.has(Scope.ADMIN) ? null : by.person().id(), by, clientIp(rc)).map(revoked -> revoked
                        ? Response.noContent().build()
                        : JsonErrorMappers.json(404, "No active API key " + id))
                .onFailure().recoverWithItem(e -> notChanged("API key not revoked", e));
    }

    @GET
    @Path("/whoami")
    @Operation(operationId = "whoAmI", summary = "Who the presented key is, its scopes and the client address (viewer)")
    @APIResponse(responseCode = "200", description = "The caller",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WhoAmI.class)))
    public WhoAmI whoami(@Context RoutingContext rc) {
        Identity identity = identity(rc);
        return new WhoAmI(identity.actor(), identity.name(), identity.scopes().stream().map(Scope::id).sorted().toList(),
                clientIp(rc));
    }

    /**
     * 503 with Retry-After, naming what failed: the store that did not serve the change, or the
     * audit trail (with the store behind it), in words, never an exception class.
     */
    static Response notChanged(String what, Throwable failure) {
        KeyChangeFailure.Step step = failure instanceof KeyChangeFailure known ? known.step() : KeyChangeFailure.Step.DATABASE;
        String detail = what + ": " + (step == KeyChangeFailure.Step.AUDIT_TRAIL
                ? "the change could not be recorded in the audit trail (" + BackingStoreFailures.describe(failure) + ")"
                : BackingStoreFailures.phrase(failure));
        return Response.fromResponse(JsonErrorMappers.json(503, detail + "; retry shortly"))
                .header("Retry-After", Integer.toString(BackingStoreFailures.retryAfterSeconds(failure))).build();
    }

    static Identity identity(RoutingContext rc) {
        return rc.get(GatewayGuard.IDENTITY);
    }

    static String clientIp(RoutingContext rc) {
        IPAddress ip = rc.get(GatewayGuard.CLIENT_IP);
        return ip == null ? null : ip.toCanonicalString();
    }

    static String iso(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
