package io.tuneops.audit.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.tuneops.audit.repository.EntryRepository;
import io.tuneops.audit.service.AuditEntry;
import io.tuneops.audit.service.AuditQueries;
import io.tuneops.audit.service.AuditQueries.RangeEnd;
import io.tuneops.audit.service.ChainVerifier;
import io.tuneops.support.http.ErrorResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static jakarta.ws.rs.core.MediaType.APPLICATION_JSON;

/** The audit trail's query, stats and verification (admin scope: the gateway checks it, and CallerAccess again here). */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
@SecurityRequirement(name = OpenApiDefinition.BEARER)
@SecurityRequirement(name = OpenApiDefinition.API_KEY)
@APIResponse(responseCode = "401", description = "No valid API key",
        content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "403", description = "The API key lacks the admin scope",
        content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
public class AuditResource {

    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** Skipping is a scan of what is skipped: deeper pages are for the cursor. */
    static final int MAX_OFFSET = 1_000_000;

    private final AuditQueries trail;

    public AuditResource(AuditQueries trail) {
        this.trail = trail;
    }

    /**
     * An entry; timestamp, event_type, actor_id and actor_username are the original tool's names
     * for time, type and actor (its username when the actor is a person's session), for its client.
     */
    public record EntryView(String id, long seq, String time, String type, String actor, String actor_ip,
                            String target_type, String target_id, String action, JsonNode details, String entry_hash,
                            String timestamp, String event_type, String actor_id, String actor_username) {
        static EntryView of(AuditEntry e) {
            String time = e.time().toString();
            String username = e.actor() != null && e.actor().startsWith(PERSON) ? e.actor().substring(PERSON.length()) : null;
            return new EntryView(e.eventId(), e.seq(), time, e.type(), e.actor(), e.actorIp(),
                    e.targetType(), e.targetId(), e.action(), e.details(), HexFormat.of().formatHex(e.entryHash()),
                    time, e.type(), e.actor(), username);
        }
    }

    // how the gateway names a person signed in as themself
    private static final String PERSON = "user:";

    public record QueryResult(List<EntryView> entries, long total, boolean has_more, String next_cursor) {
    }

    /** The trail's figures; total_entries, first_entry and last_entry as the original tool's client reads them. */
    public record Stats(long total, long last_24h, Map<String, Long> by_type, long total_entries, String first_entry,
                        String last_entry) {
    }

    public record FieldError(String field, String message) {
    }

    /** A refused parameter: the guide's {@code {"detail": ...}} plus the field at fault. */
    public record ValidationError(String detail, List<FieldError> errors) {
    }

    @GET
    @Operation(summary = "Query the audit trail", description = "Newest first; filters combine. A page ends with "
            + "next_cursor when more entries match: pass it as cursor for the next page, or page with offset. "
            + "A cursor (keyset) wins over the offset: with both, the offset is ignored.")
    @APIResponse(responseCode = "200", description = "A page of entries",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = QueryResult.class)))
    @APIResponse(responseCode = "400", description = "A parameter is not valid",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> query(@Parameter(description = "Event types (repeatable); any when none")
                               @QueryParam("event_type") List<String> types,
                               @Parameter(description = "Actor: an API key id, bootstrap-admin, anonymous, provider:<name>, ...")
                               @QueryParam("actor") String actor,
                               @Parameter(description = "Alias of actor (the original tool's name for it)")
                               @QueryParam("actor_id") String actorId,
                               @QueryParam("actor_ip") String actorIp,
                               @QueryParam("target_type") String targetType,
                               @QueryParam("target_id") String targetId,
                               @Parameter(description = "ISO 8601 time; without an offset it is UTC")
                               @QueryParam("since") String since,
                               @Parameter(description = "ISO 8601 time; without an offset it is UTC")
                               @QueryParam("until") String until,
                               @Parameter(description = "1 to 1000; 100 when not given")
                               @QueryParam("limit") String limit,
                               @Parameter(description = "Entries to skip, 0 to " + MAX_OFFSET + "; 0 when not given; "
                                       + "ignored with a cursor")
                               @QueryParam("offset") String offset,
                               @Parameter(description = "next_cursor of the previous page; wins over offset")
                               @QueryParam("cursor") String cursor) {
        try {
            for (String t : types) {
                if (!TYPE.matcher(t).matches()) {
                    throw new BadParameter("event_type", "'" + shorten(t) + "' is not an event type");
                }
            }
            int max = limit == null ? 100 : parseLimit(limit);
            int skip = offset == null ? 0 : parseOffset(offset);
            Long before = cursor == null ? null : decodeCursor(cursor);
            EntryRepository.Filter filter = new EntryRepository.Filter(types, actor(actor, actorId),
                    bounded("actor_ip", actorIp), bounded("target_type", targetType), bounded("target_id", targetId),
                    time("since", since), time("until", until));
            return trail.query(filter, max, before == null ? skip : 0, before).map(page -> {
                List<EntryView> views = page.entries().stream().map(EntryView::of).toList();
                String next = page.hasMore() ? encodeCursor(views.get(views.size() - 1).seq()) : null;
                return Response.ok(new QueryResult(views, page.total(), page.hasMore(), next)).build();
            });
        } catch (BadParameter e) {
            return Uni.createFrom().item(e.response());
        }
    }

    @GET
    @Path("/stats")
    @Operation(summary = "Count the stored entries", description = "In total, of the last 24 hours, and per event type.")
    public Uni<Stats> stats() {
        return trail.stats().map(s -> new Stats(s.total(), s.last24h(), s.byType(), s.total(),
                s.firstEntry() == null ? null : s.firstEntry().toString(), s.lastEntry() == null ? null : s.lastEntry().toString()));
    }

    /** {@code from} and {@code to}: sequence numbers or ISO 8601 times; both optional. */
    @GET
    @Path("/verify")
    @Operation(summary = "Verify the hash chain",
            description = "Recomputes every entry's hash and link in the range and checks the signed checkpoints; "
                    + "reports the first broken link. Without bounds: the whole stored chain.")
    @APIResponse(responseCode = "200", description = "The verification result, valid or not",
            content = @Content(mediaType = APPLICATION_JSON,
                    schema = @Schema(implementation = ChainVerifier.Result.class)))
    @APIResponse(responseCode = "400", description = "A bound is neither a sequence number nor a time",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> verify(@Parameter(description = "First entry: a sequence number or an ISO 8601 time")
                                @QueryParam("from") String from,
                                @Parameter(description = "Last entry: a sequence number or an ISO 8601 time")
                                @QueryParam("to") String to) {
        try {
            RangeEnd first = rangeEnd("from", from);
            RangeEnd last = rangeEnd("to", to);
            return trail.verify(first, last).map(result -> Response.ok(result).build());
        } catch (BadParameter e) {
            return Uni.createFrom().item(e.response());
        }
    }

    static RangeEnd rangeEnd(String name, String value) {
        if (value == null || value.isBlank()) {
            return RangeEnd.OPEN;
        }
        if (value.matches("[0-9]{1,18}")) {
            return RangeEnd.seq(Long.parseLong(value));
        }
        return RangeEnd.time(time(name, value));
    }

    static int parseLimit(String limit) {
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= 1000) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadParameter("limit", "must be an integer from 1 to 1000");
    }

    static int parseOffset(String offset) {
        try {
            int value = Integer.parseInt(offset);
            if (value >= 0 && value <= MAX_OFFSET) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadParameter("offset", "must be an integer from 0 to " + MAX_OFFSET);
    }

    /** actor, or its alias actor_id; both at once only when they agree. */
    static String actor(String actor, String actorId) {
        String a = bounded("actor", actor);
        String id = bounded("actor_id", actorId);
        if (a != null && id != null && !a.equals(id)) {
            throw new BadParameter("actor_id", "is another name for actor; give one of them");
        }
        return a != null ? a : id;
    }

    static OffsetDateTime time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            try {
                // a time without offset is UTC, as every time in the API is
                return LocalDateTime.parse(value).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new BadParameter(name, "'" + shorten(value) + "' is not an ISO 8601 time (e.g. 2026-01-15T10:30:00Z)");
            }
        }
    }

    /** A text filter: compared as is with stored text, which PostgreSQL cannot hold with U+0000 in it. */
    static String bounded(String name, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > 256) {
            throw new BadParameter(name, "is longer than 256 characters");
        }
        if (value.chars().anyMatch(c -> c < 0x20)) {
            throw new BadParameter(name, "must not contain control characters (U+0000 to U+001F)");
        }
        return value;
    }

    static String encodeCursor(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    static Long decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("s:")) {
                return Long.parseLong(text.substring(2));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new BadParameter("cursor", "is not a cursor this API returned");
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    static final class BadParameter extends RuntimeException {
        private final String parameter;

        BadParameter(String parameter, String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }

        String parameter() {
            return parameter;
        }

        Response response() {
            return Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(new ValidationError("Invalid parameter " + parameter + ": " + getMessage(),
                            List.of(new FieldError(parameter, getMessage()))))
                    .build();
        }
    }
}
