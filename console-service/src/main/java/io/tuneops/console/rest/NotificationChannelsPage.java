package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.NotificationsApi;
import io.tuneops.console.client.NotificationsApi.Channel;
import io.tuneops.console.client.NotificationsApi.ChannelList;
import io.tuneops.console.client.NotificationsApi.Created;
import io.tuneops.console.client.NotificationsApi.EventType;
import io.tuneops.console.client.NotificationsApi.EventTypes;
import io.tuneops.console.client.NotificationsApi.Preset;
import io.tuneops.console.client.NotificationsApi.Presets;
import io.tuneops.console.client.NotificationsApi.TestResult;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.ChannelForm;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Confirmations;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Ids;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Refused;
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

import java.util.List;

/**
 * Notification channels: where tuneops sends what people asked to hear about. Email over SMTP
 * (a provider preset fills the server), Slack incoming webhooks and signed webhooks (a generated
 * {@code whsec_} secret is shown once, on the answer to the create, like a new API key). The test
 * action sends a real test message and shows what the far end answered. Everyone reads the
 * channels (never their secrets); admins create, change, test and delete them (webhook-service
 * enforces the same).
 */
@Path("/notifications")
@Produces(MediaType.TEXT_HTML)
public class NotificationChannelsPage {

    /** A channel as listed. */
    public record ChannelRow(String id, String name, String type, String target, boolean enabled, String events,
                             String secret) {
    }

    /** What the far end answered to a test message, in words. */
    public record Tested(String channelId, String channelName, boolean success, String summary, String error) {
    }

    /**
     * templates/NotificationChannelsPage/channels.html; {@code created} holds a generated signing
     * secret, shown this once, {@code tested} a test's answer.
     */
    record channels(Layout layout, List<ChannelRow> rows, String listError, ChannelForm form, List<Option> presets,
                    List<Option> events, FormErrors errors, boolean canEdit, Created created, Tested tested,
                    String notice, String actionError) implements TemplateInstance {
    }

    /** templates/NotificationChannelsPage/channel.html: one channel, its edit form (read-only below admin). */
    record channel(Layout layout, Channel shown, String created, String updated, ChannelForm form, List<Option> events,
                   FormErrors errors, boolean canEdit, String notice) implements TemplateInstance {
    }

    private final Pages pages;
    private final NotificationsApi api;

    public NotificationChannelsPage(Pages pages, NotificationsApi api) {
        this.pages = pages;
        this.api = api;
    }

    /** The channels and the create form; {@code preset} fills the form's SMTP server (htmx swaps that part in). */
    @GET
    public Uni<TemplateInstance> page(@QueryParam("preset") String preset, @QueryParam("deleted") String deleted,
                                      @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        ChannelForm form = ChannelForm.blank().choosingPreset(preset);
        String notice = Ids.notice(deleted, id -> "Channel " + id + " was deleted, with its preferences.");
        return render(visitor, rc, form, FormErrors.NONE, null, null, notice, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> create(@RestForm("channel_type") String type, @RestForm String name,
                                        @RestForm("is_enabled") String enabled, @RestForm String description,
                                        @RestForm String preset, @RestForm("smtp_host") String smtpHost,
                                        @RestForm("smtp_port") String smtpPort, @RestForm("smtp_security") String smtpSecurity,
                                        @RestForm("smtp_username") String smtpUsername,
                                        @RestForm("smtp_password") String smtpPassword,
                                        @RestForm("smtp_from_address") String smtpFromAddress,
                                        @RestForm("smtp_from_name") String smtpFromName,
                                        @RestForm("slack_webhook_url") String slackUrl,
                                        @RestForm("webhook_url") String webhookUrl,
                                        @RestForm("webhook_secret") String webhookSecret,
                                        @RestForm("event_types") List<String> eventTypes,
                                        @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                        @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        ChannelForm form = new ChannelForm(type, name, checked(enabled), description, preset, smtpHost, smtpPort, smtpSecurity,
                smtpUsername, smtpPassword, false, smtpFromAddress, smtpFromName, slackUrl, webhookUrl, webhookSecret,
                eventTypes);
        ChannelForm.Built<NotificationsApi.NewChannel> built = form.buildNew();
        if (!built.errors().isEmpty()) {
            return render(visitor, rc, form.withoutSecrets(), FormErrors.local(built.errors()), null, null, null, null);
        }
        return Answer.recovering(api.create(Caller.of(rc, visitor), built.body())).chain(answer -> answer.fold(
                created -> render(visitor, rc, ChannelForm.blank(), FormErrors.NONE, created, null,
                        "Channel " + created.name() + " was created (" + created.id() + ").", null),
                problem -> render(visitor, rc, form.withoutSecrets(), FormErrors.of(problem, ChannelForm.FIELDS, form.aliases()),
                        null, null, null, null)));
    }

    @GET
    @Path("/channels/{id}")
    public Uni<TemplateInstance> channel(@PathParam("id") String id, @QueryParam("saved") String saved,
                                         @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(found(visitor, caller, id), Shown.of(api.events(caller))).asTuple()
                .map(t -> {
                    ChannelForm form = ChannelForm.of(t.getItem1());
                    return channelPage(visitor, t.getItem1(), form,
                            form.eventOptions(t.getItem2().map(EventTypes::event_types, List.<EventType>of())),
                            FormErrors.NONE, saved == null ? null : "Saved.");
                });
    }

    /** A change of the channel's settings; a secret field left empty keeps the secret. */
    @POST
    @Path("/channels/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> save(@PathParam("id") String id, @RestForm String name, @RestForm("is_enabled") String enabled,
                              @RestForm String description, @RestForm("smtp_host") String smtpHost,
                              @RestForm("smtp_port") String smtpPort, @RestForm("smtp_security") String smtpSecurity,
                              @RestForm("smtp_username") String smtpUsername, @RestForm("smtp_password") String smtpPassword,
                              @RestForm("smtp_password_clear") String smtpPasswordClear,
                              @RestForm("smtp_from_address") String smtpFromAddress,
                              @RestForm("smtp_from_name") String smtpFromName,
                              @RestForm("slack_webhook_url") String slackUrl, @RestForm("webhook_url") String webhookUrl,
                              @RestForm("webhook_secret") String webhookSecret,
                              @RestForm("event_types") List<String> eventTypes,
                              @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                              @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(found(visitor, caller, id), Shown.of(api.events(caller))).asTuple().chain(t -> {
            Channel current = t.getItem1();
            ChannelForm form = new ChannelForm(current.channel_type(), name, checked(enabled), description, "", smtpHost,
                    smtpPort, smtpSecurity, smtpUsername, smtpPassword, checked(smtpPasswordClear), smtpFromAddress,
                    smtpFromName, slackUrl, webhookUrl, webhookSecret, eventTypes);
            List<Option> events = form.eventOptions(t.getItem2().map(EventTypes::event_types, List.<EventType>of()));
            ChannelForm.Built<NotificationsApi.ChannelChange> built = form.buildChange(current);
            if (!built.errors().isEmpty()) {
                return Uni.createFrom().item(Response.ok(channelPage(visitor, current, form.withoutSecrets(), events,
                        FormErrors.local(built.errors()), null)).build());
            }
            return Pages.changedOrForm(rc, api.change(caller, id, built.body()),
                    "/notifications/channels/" + Query.segment(id) + "?saved=1",
                    problem -> Uni.createFrom().item(channelPage(visitor, current, form.withoutSecrets(), events,
                            FormErrors.of(problem, ChannelForm.FIELDS, form.aliases()), null)));
        });
    }

    /** Sends a test message and shows what the far end answered (webhook-service answers 200 either way). */
    @POST
    @Path("/channels/{id}/test")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> test(@PathParam("id") String id, @RestForm(Csrf.FIELD) String csrf,
                                      @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Answer.recovering(api.test(caller, id)), Shown.of(api.channel(caller, id))).asTuple()
                .chain(t -> t.getItem1().fold(
                        result -> render(visitor, rc, ChannelForm.blank(), FormErrors.NONE, null,
                                tested(id, t.getItem2().map(Channel::name, id), result), null, null),
                        problem -> render(visitor, rc, ChannelForm.blank(), FormErrors.NONE, null, null, null,
                                "Not tested: " + problem.detail())));
    }

    @GET
    @Path("/channels/{id}/delete")
    public TemplateInstance confirmDelete(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        return new Confirmations.confirm(pages.layout(visitor, Section.NOTIFICATIONS, "Delete channel"),
                "Delete channel " + id + "?", "Its preferences and its delivery history go with it, and nothing more is "
                        + "sent to it. This cannot be undone.", "/notifications/channels/" + Query.segment(id) + "/delete",
                "confirm-delete", "Yes, delete the channel", "/notifications");
    }

    @POST
    @Path("/channels/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> delete(@PathParam("id") String id, @RestForm(Csrf.FIELD) String csrf,
                                @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return Pages.changed(rc, api.delete(Caller.of(rc, visitor), id), "/notifications" + Query.of().add("deleted", id),
                refusal -> render(visitor, rc, ChannelForm.blank(), FormErrors.NONE, null, null, null,
                        "Not deleted: " + refusal));
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, ChannelForm form, FormErrors errors,
                                         Created created, Tested tested, String notice, String actionError) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Shown.of(api.channels(caller)), Shown.of(api.presets(caller)),
                Shown.of(api.events(caller))).asTuple().map(t -> {
                    Shown<ChannelList> list = t.getItem1();
                    List<Preset> presets = t.getItem2().map(Presets::presets, List.of());
                    ChannelForm shown = presetApplied(form, presets);
                    return new channels(pages.layout(visitor, Section.NOTIFICATIONS, "Notification channels"),
                            list.map(l -> l.channels().stream().map(NotificationChannelsPage::row).toList(), List.of()),
                            list.error(), shown, shown.presetOptions(presets),
                            shown.eventOptions(t.getItem3().map(EventTypes::event_types, List.<EventType>of())), errors,
                            visitor.canAdmin(), created, tested, notice, actionError);
                });
    }

    /** A preset chosen on an empty server fills the server, port and security; what was typed stays. */
    static ChannelForm presetApplied(ChannelForm form, List<Preset> presets) {
        if (form.preset() == null || form.preset().isBlank() || !form.smtpHost().isBlank()) {
            return form;
        }
        return presets.stream().filter(p -> p.id().equals(form.preset())).findFirst().map(form::withPreset).orElse(form);
    }

    private TemplateInstance channelPage(Visitor visitor, Channel shown, ChannelForm form, List<Option> events,
                                         FormErrors errors, String notice) {
        return new channel(pages.layout(visitor, Section.NOTIFICATIONS, "Channel " + shown.name()), shown,
                Formats.time(shown.created_at()), Formats.time(shown.updated_at()), form, events, errors, visitor.canAdmin(),
                notice);
    }

    private Uni<Channel> found(Visitor visitor, Caller caller, String id) {
        return Answer.recovering(api.channel(caller, id)).map(answer -> answer.fold(c -> c, problem -> {
            throw answer.status() == 404 ? Refused.notFound(visitor, problem.detail()) : Refused.owner(visitor, problem.detail());
        }));
    }

    static ChannelRow row(Channel c) {
        String target = switch (c.channel_type() == null ? "" : c.channel_type()) {
            case "email" -> Formats.text(c.smtp_from_address()) + " via " + Formats.text(c.smtp_host())
                    + (c.smtp_port() == null ? "" : ":" + c.smtp_port());
            case "slack" -> "Slack incoming webhook";
            case "webhook" -> Formats.text(c.webhook_url());
            default -> Formats.NONE;
        };
        String events = "webhook".equals(c.channel_type()) && c.event_types() != null && !c.event_types().isEmpty()
                ? String.join(", ", c.event_types()) : "as the preferences say";
        String secret = switch (c.channel_type() == null ? "" : c.channel_type()) {
            case "email" -> c.secret_configured() ? "password set" : "no password";
            case "slack" -> c.secret_configured() ? "URL set" : "URL missing";
            case "webhook" -> c.secret_configured() ? "signed" : "unsigned";
            default -> Formats.NONE;
        };
        return new ChannelRow(c.id(), c.name(), c.channel_type(), target, c.is_enabled(), events, secret);
    }

    static Tested tested(String id, String name, TestResult r) {
        StringBuilder summary = new StringBuilder(r.success() ? "Delivered" : "Failed");
        if (r.status_code() != null) {
            summary.append("email".equals(r.channel_type()) ? ": SMTP " : ": HTTP ").append(r.status_code());
        }
        if (r.latency_ms() != null) {
            summary.append(" in ").append(r.latency_ms()).append(" ms");
        }
        return new Tested(id, name, r.success(), summary.append('.').toString(), r.error());
    }

    private static boolean checked(String value) {
        return value != null && !value.isBlank() && !"false".equals(value);
    }
}
