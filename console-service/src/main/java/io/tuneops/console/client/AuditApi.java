package io.tuneops.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** audit-service's trail ({@code /api/audit}), in the JSON it answers (docs/audit.md). */
@ApplicationScoped
public class AuditApi {

    static final String AUDIT = "/api/audit";

    public record Entry(String id, long seq, String time, String type, String actor, String actor_ip,
                        String target_type, String target_id, String action, JsonNode details, String entry_hash) {
    }

    public record Page(List<Entry> entries, long total, boolean has_more, String next_cursor) {
    }

    public record EventType(String type, String source, String description) {
    }

    public record EventTypes(List<EventType> types) {
    }

    public record BrokenLink(long seq, String reason) {
    }

    public record Verification(boolean valid, long entries_checked, long from_seq, long to_seq,
                               BrokenLink first_broken_link, String head_hash) {
    }

    /** The query's filters, as the API names them; {@link #query()} is the query string. */
    public record Filter(List<String> event_type, String actor, String actor_ip, String target_type, String target_id,
                         String since, String until, String limit, String cursor) {
        public String query() {
            return Query.of().add("event_type", event_type).add("actor", actor).add("actor_ip", actor_ip)
                    .add("target_type", target_type).add("target_id", target_id).add("since", since)
                    .add("until", until).add("limit", limit).add("cursor", cursor).toString();
        }
    }

    private final OwnerClient owners;

    public AuditApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<Page>> query(Caller caller, Filter filter) {
        return owners.get(Owner.AUDIT, AUDIT + filter.query(), caller, Page.class);
    }

    public Uni<Answer<EventTypes>> types(Caller caller) {
        return owners.get(Owner.AUDIT, AUDIT + "/types", caller, EventTypes.class);
    }

    public Uni<Answer<Verification>> verify(Caller caller, String from, String to) {
        return owners.get(Owner.AUDIT, AUDIT + "/verify" + Query.of().add("from", from).add("to", to), caller,
                Verification.class);
    }
}
