package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.NotificationsApi;
import io.tuneops.console.client.NotificationsApi.Channel;
import io.tuneops.console.client.NotificationsApi.ChannelList;
import io.tuneops.console.client.NotificationsApi.EventType;
import io.tuneops.console.client.NotificationsApi.EventTypes;
import io.tuneops.console.client.NotificationsApi.NewPreference;
import io.tuneops.console.client.NotificationsApi.Preference;
import io.tuneops.console.client.NotificationsApi.PreferenceList;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Confirmations;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Notification preferences: who hears which events, from which severity up, on which channel.
 * Everyone keeps their own (for their own events); admins also set them for everyone, an
 * organisation, a team or another user. A person mutes their own jobs' routine (info) events with
 * one toggle. webhook-service decides what each visitor may change and says why it refuses.
 */
@Path("/notifications/preferences")
@Produces(MediaType.TEXT_HTML)
public class NotificationPreferencesPage {

    static final List<String> SEVERITIES = List.of("info", "warning", "error", "critical");
    static final List<String> SCOPES = List.of("everyone", "org", "team", "user");
    static final Set<String> FIELDS = Set.of("event_type", "channel_id", "min_severity", "recipients", "scope", "scope_id");
    /** A mute covers the muting person's own job events of the routine (info) severity. */
    static final String MUTED_EVENTS = "job.*";
    static final String EVERY_EVENT = "*";

    public record PreferenceRow(String id, String eventType, String channel, String minSeverity, String whose,
                                String recipients, boolean enabled, String createdBy, boolean canDelete) {
    }

    /** The create form as typed. */
    public record PreferenceForm(String eventType, String channelId, String minSeverity, String recipients, String scope,
                                 String scopeId) {

        static final PreferenceForm BLANK = new PreferenceForm("", "", "info", "", "everyone", "");

        public List<Option> severityOptions() {
            return Option.of(SEVERITIES, minSeverity);
        }

        public List<Option> scopeOptions() {
            return Option.of(SCOPES, scope);
        }

        /** The body for the API; a visitor who may not choose the scope leaves it to the owner (themself). */
        NewPreference build(boolean canScope, Map<String, String> errors) {
            if (eventType == null || eventType.isBlank()) {
                errors.put("event_type", "choose the events");
            }
            if (channelId == null || channelId.isBlank()) {
                errors.put("channel_id", "choose the channel they are sent on");
            }
            String id = scopeId == null || scopeId.isBlank() ? null : scopeId.trim();
            if (canScope && !"everyone".equals(scope) && id == null) {
                errors.put("scope_id", "name the " + scope + " by its id");
            }
            if (canScope && "everyone".equals(scope) && id != null) {
                errors.put("scope_id", "everyone's events need no id: leave this empty or choose another scope");
            }
            List<String> to = addresses(recipients);
            return new NewPreference(trim(eventType), trim(channelId), trim(minSeverity), to.isEmpty() ? null : to,
                    canScope ? trim(scope) : null, canScope ? id : null, null);
        }
    }

    /** The visitor's own mute: offered to a person (a key of no user has no jobs of their own). */
    public record Mute(boolean available, boolean muted) {
    }

    /** templates/NotificationPreferencesPage/preferences.html */
    record preferences(Layout layout, List<PreferenceRow> rows, String listError, PreferenceForm form, List<Option> events,
                       List<Option> channels, boolean canScope, Mute mute, FormErrors errors, String notice,
                       String actionError) implements TemplateInstance {
    }

    private final Pages pages;
    private final NotificationsApi api;

    public NotificationPreferencesPage(Pages pages, NotificationsApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@QueryParam("deleted") String deleted, @QueryParam("muted") String muted,
                                      @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        String deletedNotice = Ids.notice(deleted, id -> "Preference " + id + " was deleted.");
        String notice = deletedNotice != null ? deletedNotice
                : "true".equals(muted) ? "Your routine job events are muted: errors and warnings still reach you."
                : "false".equals(muted) ? "Your routine job events reach you again." : null;
        return render(visitor, rc, PreferenceForm.BLANK, FormErrors.NONE, notice, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> create(@RestForm("event_type") String eventType, @RestForm("channel_id") String channelId,
                                        @RestForm("min_severity") String minSeverity, @RestForm String recipients,
                                        @RestForm String scope, @RestForm("scope_id") String scopeId,
                                        @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                        @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        Csrf.require(visitor, csrf, csrfHeader);
        PreferenceForm typed = new PreferenceForm(eventType, channelId, minSeverity, recipients,
                scope == null || scope.isBlank() ? "everyone" : scope, scopeId);
        Map<String, String> errors = new LinkedHashMap<>();
        NewPreference preference = typed.build(visitor.canAdmin(), errors);
        if (!errors.isEmpty()) {
            return render(visitor, rc, typed, FormErrors.local(errors), null, null);
        }
        return Answer.recovering(api.createPreference(Caller.of(rc, visitor), preference)).chain(answer -> answer.fold(
                created -> render(visitor, rc, PreferenceForm.BLANK, FormErrors.NONE,
                        "Preference " + created.id() + " was created.", null),
                problem -> render(visitor, rc, typed, FormErrors.of(problem, FIELDS, Map.of()), null, null)));
    }

    /** The visitor's "mute my routine job events" toggle: on adds their mute, off removes every mute of theirs. */
    @POST
    @Path("/mute")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> mute(@RestForm String mute, @RestForm(Csrf.FIELD) String csrf,
                              @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        Csrf.require(visitor, csrf, csrfHeader);
        if (visitor.user() == null) {
            return render(visitor, rc, PreferenceForm.BLANK, FormErrors.NONE, null,
                    "Nothing muted: this key belongs to no user, so no jobs are its own.").map(NotificationPreferencesPage::ok);
        }
        boolean on = "true".equals(mute);
        Caller caller = Caller.of(rc, visitor);
        Uni<Answer<Void>> change = on
                ? api.createPreference(caller, new NewPreference(MUTED_EVENTS, null, null, null, "user", visitor.user(), true))
                        .map(answer -> answer.fold(p -> new Answer.Ok<Void>(answer.status(), null),
                                problem -> new Answer.Problem<Void>(answer.status(), problem)))
                : unmute(caller, visitor.user());
        return Pages.changed(rc, change, "/notifications/preferences" + Query.of().add("muted", Boolean.toString(on)),
                refusal -> render(visitor, rc, PreferenceForm.BLANK, FormErrors.NONE, null,
                        (on ? "Not muted: " : "Not unmuted: ") + refusal));
    }

    @GET
    @Path("/{id}/delete")
    public TemplateInstance confirmDelete(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return new Confirmations.confirm(pages.layout(visitor, Section.NOTIFICATIONS, "Delete preference"),
                "Delete preference " + id + "?", "The events it sends stop reaching its channel.",
                "/notifications/preferences/" + Query.segment(id) + "/delete", "confirm-delete",
                "Yes, delete the preference", "/notifications/preferences");
    }

    @POST
    @Path("/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> delete(@PathParam("id") String id, @RestForm(Csrf.FIELD) String csrf,
                                @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        Csrf.require(visitor, csrf, csrfHeader);
        return Pages.changed(rc, api.deletePreference(Caller.of(rc, visitor), id),
                "/notifications/preferences" + Query.of().add("deleted", id),
                refusal -> render(visitor, rc, PreferenceForm.BLANK, FormErrors.NONE, null, "Not deleted: " + refusal));
    }

    /** Deletes each of the user's mutes; the first refusal is the answer. */
    private Uni<Answer<Void>> unmute(Caller caller, String user) {
        return api.preferences(caller, "user", user).chain(answer -> answer.fold(
                list -> {
                    List<Uni<Answer<Void>>> deletions = list.preferences().stream()
                            .filter(p -> p.mute() && user.equals(p.scope_id()))
                            .map(p -> api.deletePreference(caller, p.id())).toList();
                    if (deletions.isEmpty()) {
                        return Uni.createFrom().item((Answer<Void>) new Answer.Ok<Void>(204, null));
                    }
                    return Uni.join().all(deletions).andFailFast().map(done -> done.stream()
                            .filter(a -> a.problemOrNull() != null).findFirst()
                            .orElse(new Answer.Ok<>(204, null)));
                },
                problem -> Uni.createFrom().item((Answer<Void>) new Answer.Problem<Void>(answer.status(), problem))));
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, PreferenceForm form, FormErrors errors,
                                         String notice, String actionError) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Shown.of(api.preferences(caller, null, null)), Shown.of(api.channels(caller)),
                Shown.of(api.events(caller))).asTuple().map(t -> {
                    Shown<PreferenceList> list = t.getItem1();
                    List<Channel> channels = t.getItem2().map(ChannelList::channels, List.of());
                    Map<String, String> channelNames = channels.stream()
                            .collect(Collectors.toMap(Channel::id, Channel::name, (a, b) -> a));
                    List<Preference> all = list.map(PreferenceList::preferences, List.of());
                    boolean muted = visitor.user() != null && all.stream()
                            .anyMatch(p -> p.mute() && "user".equals(p.scope()) && visitor.user().equals(p.scope_id()));
                    return new preferences(pages.layout(visitor, Section.NOTIFICATIONS, "Notification preferences"),
                            all.stream().map(p -> row(p, channelNames, visitor)).toList(),
                            Shown.firstError(list, t.getItem2(), t.getItem3()), form,
                            eventOptions(t.getItem3().map(EventTypes::event_types, List.<EventType>of()), form.eventType()),
                            channelOptions(channels, form.channelId()), visitor.canAdmin(),
                            new Mute(visitor.user() != null && list.error() == null, muted), errors, notice, actionError);
                });
    }

    /** Every event, each family (job.*), then each event type, as the API names them. */
    static List<Option> eventOptions(List<EventType> events, String chosen) {
        List<Option> options = new ArrayList<>();
        options.add(new Option("", "Choose the events", chosen == null || chosen.isBlank()));
        options.add(new Option(EVERY_EVENT, "Every event", EVERY_EVENT.equals(chosen)));
        Set<String> families = new LinkedHashSet<>();
        events.forEach(e -> families.add(e.id().contains(".") ? e.id().substring(0, e.id().indexOf('.')) : e.id()));
        families.forEach(f -> options.add(new Option(f + ".*", "Every " + f + " event (" + f + ".*)", (f + ".*").equals(chosen))));
        events.forEach(e -> options.add(new Option(e.id(), e.id() + ": " + Formats.text(e.name()) + " (" + e.severity() + ")",
                e.id().equals(chosen))));
        return options;
    }

    static List<Option> channelOptions(List<Channel> channels, String chosen) {
        List<Option> options = new ArrayList<>();
        options.add(new Option("", "Choose a channel", chosen == null || chosen.isBlank()));
        channels.forEach(c -> options.add(new Option(c.id(), c.name() + " (" + c.channel_type() + ")", c.id().equals(chosen))));
        return options;
    }

    static PreferenceRow row(Preference p, Map<String, String> channelNames, Visitor visitor) {
        boolean own = visitor.user() != null && "user".equals(p.scope()) && visitor.user().equals(p.scope_id());
        String whose = "everyone".equals(p.scope()) ? "everyone" : own ? "you" : p.scope() + " " + Formats.text(p.scope_id());
        String channel = p.mute() ? "muted: routine events of their own jobs"
                : channelNames.getOrDefault(p.channel_id(), Formats.text(p.channel_id()));
        return new PreferenceRow(p.id(), p.event_type(), channel, p.min_severity(), whose,
                p.recipients() == null || p.recipients().isEmpty() ? Formats.NONE : String.join(", ", p.recipients()),
                p.is_enabled(), Formats.text(p.created_by()), visitor.canAdmin() || own);
    }

    /** Addresses separated by commas, spaces or lines. */
    static List<String> addresses(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split("[,;\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Response ok(TemplateInstance page) {
        return Response.ok(page).build();
    }
}
