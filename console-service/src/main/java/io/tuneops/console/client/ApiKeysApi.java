package io.tuneops.console.client;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's API keys ({@code /api/auth/api-keys}). Called at the gateway itself with the
 * browser's session cookie and CSRF token, as the browser would call it.
 */
@ApplicationScoped
public class ApiKeysApi {

    static final String KEYS = "/api/auth/api-keys";

    public record Key(String id, String name, String prefix, List<String> scopes, String created_at, String created_by,
                      String expires_at, String revoked_at, String status) {
    }

    public record KeyList(List<Key> api_keys) {
    }

    /** The only answer that holds the key itself. */
    public record Created(String id, String name, List<String> scopes, String created_at, String expires_at,
                          String key) {
        @Override
        public String toString() {
            return "Created[" + id + "]";
        }
    }

    private final OwnerClient owners;

    public ApiKeysApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<KeyList>> list(Caller caller) {
        return owners.get(Owner.GATEWAY, KEYS, caller, KeyList.class);
    }

    public Uni<Answer<Created>> create(Caller caller, String name, List<String> scopes, String expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("scopes", scopes);
        if (expiresAt != null) {
            body.put("expires_at", expiresAt);
        }
        return owners.send(Owner.GATEWAY, HttpMethod.POST, KEYS, caller, body, Created.class);
    }

    public Uni<Answer<Void>> revoke(Caller caller, String id) {
        return owners.send(Owner.GATEWAY, HttpMethod.DELETE, KEYS + "/" + Query.segment(id), caller, null, Void.class);
    }
}
