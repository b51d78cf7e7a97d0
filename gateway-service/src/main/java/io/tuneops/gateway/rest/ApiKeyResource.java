package io.tuneops.gateway.rest;

import inet.ipaddr.IPAddress;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.repository.ApiKeyRecord;
import io.tuneops.gateway.security.GatewayGuard;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.Scope;
import io.tuneops.gateway.service.ApiKeyService;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** API keys: admin scope only (enforced by the gateway guard before this runs). */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeyResource {

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:@/-]{1,100}");

    private final ApiKeyService keys;

    public ApiKeyResource(ApiKeyService keys) {
        this.keys = keys;
    }

    public record CreateRequest(String name, List<String> scopes, String expires_at) {
    }

    public record KeyView(String id, String name, String prefix, List<String> scopes, String created_at,
                          String created_by, String expires_at, String revoked_at, String status) {
        static KeyView of(ApiKeyRecord k) {
            OffsetDateTime now = OffsetDateTime.now();
            String status = k.revokedAt() != null ? "revoked" : (k.usableAt(now) ? "active" : "expired");
            return new KeyView(k.id(), k.name(), "tok_" + k.prefix(), k.scopes(), iso(k.createdAt()), k.createdBy(),
                    iso(k.expiresAt()), iso(k.revokedAt()), status);
        }
    }

    /** The only time the key itself is shown. */
    public record CreatedView(String id, String name, List<String> scopes, String created_at, String expires_at,
                              String key) {
    }

    public record KeyList(List<KeyView> api_keys) {
    }

    public record ValidationError(String detail, List<Map<String, String>> errors) {
    }

    public record WhoAmI(String actor, String name, List<String> scopes, String client_ip) {
    }

    @POST
    @Path("/api-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(CreateRequest body, RoutingContext rc) {
        List<Map<String, String>> errors = new ArrayList<>();
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON body with name and scopes is required"));
        }
        if (body.name() == null || !NAME.matcher(body.name()).matches()) {
            errors.add(Map.of("field", "name", "message", "1 to 100 letters, digits, spaces or ._:@/-"));
        }
        LinkedHashSet<String> scopes = new LinkedHashSet<>();
        if (body.scopes() == null || body.scopes().isEmpty()) {
            errors.add(Map.of("field", "scopes", "message", "at least one of admin, operator, viewer"));
        } else {
            for (String s : body.scopes()) {
                if (s == null || Scope.parse(s).isEmpty()) {
                    errors.add(Map.of("field", "scopes", "message", "unknown scope '" + s + "': use admin, operator or viewer"));
                } else {
                    scopes.add(s);
                }
            }
        }
        OffsetDateTime expiresAt = null;
        if (body.expires_at() != null) {
            try {
                expiresAt = OffsetDateTime.parse(body.expires_at());
                if (!expiresAt.isAfter(OffsetDateTime.now())) {
                    errors.add(Map.of("field", "expires_at", "message", "must be in the future"));
                }
            } catch (DateTimeParseException e) {
                errors.add(Map.of("field", "expires_at", "message", "must be an ISO 8601 time with offset, e.g. 2027-01-31T00:00:00Z"));
            }
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Response.status(400)
                    .entity(new ValidationError("Invalid API key request", errors)).build());
        }
        return keys.create(body.name(), List.copyOf(scopes), expiresAt, identity(rc), clientIp(rc))
                .map(created -> Response.status(201).entity(new CreatedView(created.record().id(), created.record().name(),
                        created.record().scopes(), iso(created.record().createdAt()), iso(created.record().expiresAt()),
                        created.key())).build())
                .onFailure().recoverWithItem(e -> JsonErrorMappers.json(503,
                        "API key not created: the change could not be recorded in the audit trail"));
    }

    @GET
    @Path("/api-keys")
    public Uni<KeyList> list() {
        return keys.list().map(all -> new KeyList(all.stream().map(KeyView::of).toList()));
    }

    @DELETE
    @Path("/api-keys/{id}")
    public Uni<Response> revoke(@PathParam("id") String id, RoutingContext rc) {
        if (id.length() > 64) {
            return Uni.createFrom().item(JsonErrorMappers.json(404, "No active API key " + id.substring(0, 64) + "..."));
        }
        return keys.revoke(id, identity(rc), clientIp(rc)).map(revoked -> revoked
                        ? Response.noContent().build()
                        : JsonErrorMappers.json(404, "No active API key " + id))
                .onFailure().recoverWithItem(e -> JsonErrorMappers.json(503,
                        "API key not revoked: the change could not be recorded in the audit trail"));
    }

    @GET
    @Path("/whoami")
    public WhoAmI whoami(RoutingContext rc) {
        Identity identity = identity(rc);
        return new WhoAmI(identity.actor(), identity.name(), identity.scopes().stream().map(Scope::id).sorted().toList(),
                clientIp(rc));
    }

    private static Identity identity(RoutingContext rc) {
        return rc.get(GatewayGuard.IDENTITY);
    }

    private static String clientIp(RoutingContext rc) {
        IPAddress ip = rc.get(GatewayGuard.CLIENT_IP);
        return ip == null ? null : ip.toCanonicalString();
    }

    private static String iso(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
