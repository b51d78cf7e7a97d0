package io.tuneops.audit.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.tuneops.audit.repository.EntryRepository;
import io.tuneops.audit.service.AuditEntry;
import io.tuneops.audit.service.ChainVerifier;
import io.tuneops.support.http.JsonErrorMappers;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The audit trail's query, stats and verification (admin scope: the gateway checks it, and CallerAccess again here). */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final EntryRepository entries;
    private final ChainVerifier verifier;

    public AuditResource(EntryRepository entries, ChainVerifier verifier) {
        this.entries = entries;
        this.verifier = verifier;
    }

    public record EntryView(String id, long seq, String time, String type, String actor, String actor_ip,
                            String target_type, String target_id, String action, JsonNode details, String entry_hash) {
        static EntryView of(AuditEntry e) {
            return new EntryView(e.eventId(), e.seq(), e.time().toString(), e.type(), e.actor(), e.actorIp(),
                    e.targetType(), e.targetId(), e.action(), e.details(), HexFormat.of().formatHex(e.entryHash()));
        }
    }

    public record QueryResult(List<EntryView> entries, long total, boolean has_more, String next_cursor) {
    }

    public record Stats(long total, long last_24h, Map<String, Long> by_type) {
    }

    @GET
    public Uni<Response> query(@QueryParam("event_type") List<String> types, @QueryParam("actor") String actor,
                               @QueryParam("actor_ip") String actorIp, @QueryParam("target_type") String targetType,
                               @QueryParam("target_id") String targetId, @QueryParam("since") String since,
                               @QueryParam("until") String until, @QueryParam("limit") String limit,
                               @QueryParam("cursor") String cursor) {
        try {
            for (String t : types) {
                if (!TYPE.matcher(t).matches()) {
                    throw new BadParameter("event_type", "'" + shorten(t) + "' is not an event type");
                }
            }
            int max = limit == null ? 100 : parseLimit(limit);
            Long before = cursor == null ? null : decodeCursor(cursor);
            EntryRepository.Filter filter = new EntryRepository.Filter(types, bounded("actor", actor),
                    bounded("actor_ip", actorIp), bounded("target_type", targetType), bounded("target_id", targetId),
                    time("since", since), time("until", until));
            return entries.query(filter, max, before).map(page -> {
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
    public Uni<Stats> stats() {
        return entries.stats().map(s -> new Stats(s.total(), s.last24h(), s.byType()));
    }

    /** {@code from} and {@code to}: sequence numbers or ISO 8601 times; both optional. */
    @GET
    @Path("/verify")
    public Uni<Response> verify(@QueryParam("from") String from, @QueryParam("to") String to) {
        try {
            Uni<Long> fromSeq = bound("from", from, true);
            Uni<Long> toSeq = bound("to", to, false);
            return fromSeq.flatMap(f -> toSeq.flatMap(t -> verifier.verify(f, t)))
                    .map(result -> Response.ok(result).build());
        } catch (BadParameter e) {
            return Uni.createFrom().item(e.response());
        }
    }

    private Uni<Long> bound(String name, String value, boolean lower) {
        if (value == null || value.isBlank()) {
            return Uni.createFrom().item(lower ? 1L : Long.MAX_VALUE);
        }
        if (value.matches("[0-9]{1,18}")) {
            return Uni.createFrom().item(Long.parseLong(value));
        }
        OffsetDateTime t = time(name, value);
        return lower ? entries.seqAtOrAfter(t) : entries.seqAtOrBefore(t);
    }

    private static int parseLimit(String limit) {
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

    private static OffsetDateTime time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            try {
                // a time without offset is UTC, as every time in the API is
                return java.time.LocalDateTime.parse(value).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new BadParameter(name, "'" + shorten(value) + "' is not an ISO 8601 time (e.g. 2026-01-15T10:30:00Z)");
            }
        }
    }

    private static String bounded(String name, String value) {
        if (value != null && value.length() > 256) {
            throw new BadParameter(name, "is longer than 256 characters");
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

        Response response() {
            return Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("detail", "Invalid parameter " + parameter + ": " + getMessage(),
                            "errors", List.of(Map.of("field", parameter, "message", getMessage()))))
                    .build();
        }
    }
}
