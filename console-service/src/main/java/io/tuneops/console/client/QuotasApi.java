package io.tuneops.console.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** webhook-service's quotas ({@code /api/quotas}), in the JSON it answers. */
@ApplicationScoped
public class QuotasApi {

    static final String QUOTAS = "/api/quotas";

    /** A quota; {@code scope} is global, org, team or user, with the id of what it applies to. */
    public record Quota(String id, String quota_type, double limit_value, String action, String scope, String org_id,
                        String team_id, String user_id, String created_at, String created_by) {
    }

    public record QuotaList(List<Quota> quotas) {
    }

    public record QuotaTypeInfo(String id, String name, String description, String unit) {
    }

    public record Types(List<QuotaTypeInfo> types, List<String> actions, List<String> scopes) {
    }

    /** One quota type as it stands for the caller; {@code source} is the scope that decided, e.g. "team:team_ab". */
    public record Usage(String quota_type, Double limit, Double current, String action, boolean is_exceeded,
                        boolean is_warning, Double percent_used, String message, String source) {
    }

    public record Status(String user_id, List<Usage> statuses, boolean can_submit, List<String> blocking_reasons) {
    }

    /** The create body; at most one of the ids (none: global). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewQuota(String quota_type, double limit_value, String action, String user_id, String org_id,
                           String team_id) {
    }

    private final OwnerClient owners;

    public QuotasApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<QuotaList>> list(Caller caller) {
        return owners.get(Owner.WEBHOOK, QUOTAS, caller, QuotaList.class);
    }

    public Uni<Answer<Types>> types(Caller caller) {
        return owners.get(Owner.WEBHOOK, QUOTAS + "/types", caller, Types.class);
    }

    /** The caller's own usage against every quota that applies to them. */
    public Uni<Answer<Status>> status(Caller caller) {
        return owners.get(Owner.WEBHOOK, QUOTAS + "/status", caller, Status.class);
    }

    public Uni<Answer<Quota>> create(Caller caller, NewQuota quota) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, QUOTAS, caller, quota, Quota.class);
    }

    public Uni<Answer<Void>> delete(Caller caller, String id) {
        return owners.send(Owner.WEBHOOK, HttpMethod.DELETE, QUOTAS + "/" + Query.segment(id), caller, null, Void.class);
    }
}
