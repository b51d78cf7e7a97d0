package io.tuneops.console.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

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

    /** The gateway's create-key body; {@code expires_at} is left out when not chosen. */
    public record NewKey(String name, List<String> scopes,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String expires_at) {
    }

    public Uni<Answer<KeyList>> list(Caller caller) {
        return owners.get(Owner.GATEWAY, KEYS, caller, KeyList.class);
    }

    public Uni<Answer<Created>> create(Caller caller, String name, List<String> scopes, String expiresAt) {
        return owners.send(Owner.GATEWAY, HttpMethod.POST, KEYS, caller, new NewKey(name, scopes, expiresAt), Created.class);
    }

    public Uni<Answer<Void>> revoke(Caller caller, String id) {
        return owners.send(Owner.GATEWAY, HttpMethod.DELETE, KEYS + "/" + Query.segment(id), caller, null, Void.class);
    }
}
