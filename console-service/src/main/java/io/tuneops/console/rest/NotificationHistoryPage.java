package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.NotificationsApi;
import io.tuneops.console.client.NotificationsApi.ChannelList;
import io.tuneops.console.client.NotificationsApi.Delivery;
import io.tuneops.console.client.NotificationsApi.EventType;
import io.tuneops.console.client.NotificationsApi.EventTypes;
import io.tuneops.console.client.NotificationsApi.History;
import io.tuneops.console.client.NotificationsApi.HistoryFilter;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Ids;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Section;
import io.tuneops.console.web.Shown;
import io.tuneops.console.web.Visitor;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The delivery history: every delivery of an event to a channel with its attempts, outcome,
 * latency and last error, filtered by channel, event type and status and paged, newest first. A
 * failed delivery is retried from the start (webhook-service refuses one that is not failed).
 * Admins only, as the API.
 */
@Path("/notifications/history")
@Produces(MediaType.TEXT_HTML)
public class NotificationHistoryPage {

    static final List<String> STATUSES = List.of("pending", "delivering", "delivered", "failed");
    static final Set<String> FILTERS = Set.of("channel_id", "event_type", "status", "offset");
    static final int PAGE = 50;

    /** One delivery as listed; {@code failed} offers the retry. */
    public record DeliveryRow(String id, String time, String eventType, String severity, String channel, String recipient,
                              String status, int attempts, String answer, String latency, String error, String jobId,
                              String nextAttempt, boolean failed) {
    }

    /** The filters as chosen; {@code offset} is where the page starts. */
    public record Filter(String channelId, String eventType, String status, int offset) {

        HistoryFilter api() {
            return new HistoryFilter(channelId, eventType, status, PAGE, offset);
        }

        /** The page's own address with another offset. */
        String href(int at) {
            return "/notifications/history" + Query.of().add("channel_id", channelId).add("event_type", eventType)
                    .add("status", status).add("offset", at == 0 ? null : String.valueOf(at));
        }
    }

    /** templates/NotificationHistoryPage/history.html */
    record history(Layout layout, Filter filter, List<Option> channels, List<Option> events, List<Option> statuses,
                   List<DeliveryRow> rows, String range, String previousHref, String nextHref, FormErrors errors,
                   String notice, String actionError) implements TemplateInstance {
    }

    private final Pages pages;
    private final NotificationsApi api;

    public NotificationHistoryPage(Pages pages, NotificationsApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@QueryParam("channel_id") String channelId, @QueryParam("event_type") String eventType,
                                      @QueryParam("status") String status, @QueryParam("offset") String offset,
                                      @QueryParam("retried") String retried, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        String notice = Ids.notice(retried, id -> "Delivery " + id + " is pending again: it is sent at once, with its "
                + "attempts counted from the start.");
        return render(visitor, rc, filter(channelId, eventType, status, offset), notice, null);
    }

    /** Retries a failed delivery, then shows the same page of the history again. */
    @POST
    @Path("/{id}/retry")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> retry(@PathParam("id") String id, @RestForm("channel_id") String channelId,
                               @RestForm("event_type") String eventType, @RestForm String status, @RestForm String offset,
                               @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                               @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        Filter filter = filter(channelId, eventType, status, offset);
        String back = filter.href(filter.offset());
        return Pages.changed(rc, api.retry(Caller.of(rc, visitor), id), back + (back.contains("?") ? "&" : "?")
                        + "retried=" + Query.segment(id),
                refusal -> render(visitor, rc, filter, null, "Not retried: " + refusal));
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, Filter filter, String notice,
                                         String actionError) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Answer.recovering(api.history(caller, filter.api())), Shown.of(api.channels(caller)),
                Shown.of(api.events(caller))).asTuple().map(t -> {
                    History page = t.getItem1().valueOrNull();
                    FormErrors errors = t.getItem1().fold(h -> FormErrors.NONE,
                            problem -> FormErrors.of(problem, FILTERS, Map.of()));
                    List<DeliveryRow> rows = page == null || page.entries() == null ? List.of()
                            : page.entries().stream().map(NotificationHistoryPage::row).toList();
                    List<Option> channels = new ArrayList<>();
                    channels.add(new Option("", "Any channel", filter.channelId() == null));
                    t.getItem2().map(ChannelList::channels, List.<NotificationsApi.Channel>of()).forEach(c -> {
                        channels.add(new Option(c.id(), c.name(), c.id().equals(filter.channelId())));
                    });
                    List<String> eventIds = t.getItem3().map(EventTypes::event_types, List.<EventType>of()).stream()
                            .map(EventType::id).toList();
                    long total = page == null ? 0 : page.total();
                    String range = page == null ? null : rows.isEmpty() ? "No deliveries match."
                            : "Deliveries " + (filter.offset() + 1) + " to " + (filter.offset() + rows.size()) + " of " + total
                            + ", newest first.";
                    return new history(pages.layout(visitor, Section.NOTIFICATIONS, "Delivery history"), filter, channels,
                            Option.withAny("Any event type", eventIds, filter.eventType()),
                            Option.withAny("Any status", STATUSES, filter.status()), rows, range,
                            filter.offset() > 0 ? filter.href(Math.max(0, filter.offset() - PAGE)) : null,
                            page != null && page.has_more() ? filter.href(filter.offset() + rows.size()) : null, errors,
                            notice, actionError);
                });
    }

    static Filter filter(String channelId, String eventType, String status, String offset) {
        int at = 0;
        try {
            at = offset == null || offset.isBlank() ? 0 : Math.max(0, Integer.parseInt(offset.trim()));
        } catch (NumberFormatException e) {
            // an offset that is not a number is the first page
        }
        return new Filter(blankToNull(channelId), blankToNull(eventType), blankToNull(status), at);
    }

    static DeliveryRow row(Delivery d) {
        String answer = d.last_status_code() == null ? Formats.NONE
                : ("email".equals(d.channel_type()) ? "SMTP " : "HTTP ") + d.last_status_code();
        return new DeliveryRow(d.id(), Formats.time(d.created_at()), d.event_type(), Formats.text(d.severity()),
                Formats.text(d.channel_name() == null ? d.channel_id() : d.channel_name()), Formats.text(d.recipient()),
                d.delivery_status(), d.attempts(), answer, d.latency_ms() == null ? Formats.NONE : d.latency_ms() + " ms",
                Formats.text(d.last_error()), d.job_id(),
                "pending".equals(d.delivery_status()) ? Formats.time(d.next_attempt_at()) : null,
                "failed".equals(d.delivery_status()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
