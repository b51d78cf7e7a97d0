package io.tuneops.webhook.service.notify;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RouteMatcher: event type patterns, severity, scopes, mutes, webhook subscriptions and recipients. */
class NotificationRoutingTest {

    private static final Channel MAIL = channel("nch_mail", ChannelType.EMAIL, List.of());
    private static final Channel SLACK = channel("nch_slack", ChannelType.SLACK, List.of());
    private static final Channel HOOK = channel("nch_hook", ChannelType.WEBHOOK, List.of("approval.*", "job.failed"));

    private static Channel channel(String id, ChannelType type, List<String> eventTypes) {
        return new Channel(id, id, type, true, new ChannelSettings(null, null, null, null, null, null,
                type == ChannelType.WEBHOOK ? "https://x.example" : null, eventTypes, null), true, null, null, null, null);
    }

    private static Map<String, Channel> enabled(Channel... channels) {
        Map<String, Channel> map = new LinkedHashMap<>();
        for (Channel c : channels) {
            map.put(c.id(), c);
        }
        return map;
    }

    private static StoredEvent event(String type, Severity severity, String user, String team, String org) {
        return new StoredEvent(1, "evt_1", type, severity, OffsetDateTime.now(), "job_1", user, team, org, new JsonObject());
    }

    private static Preference pref(String channel, PreferenceScope scope, String scopeId, String pattern, Severity min,
                                   String... recipients) {
        return new Preference("npr_" + pattern + scope, channel, scope, scopeId, pattern, min, true, false, List.of(recipients), "t", null);
    }

    private static Preference mute(String user, String pattern) {
        return new Preference("npr_mute", null, PreferenceScope.USER, user, pattern, Severity.INFO, true, true, List.of(), "t", null);
    }

    @Test
    void anExactTypeAFamilyAndEveryEventMatch() {
        StoredEvent failed = event("job.failed", Severity.ERROR, "u1", "t1", "o1");
        assertEquals(Set.of("nch_slack"), RouteMatcher.route(failed,
                List.of(pref("nch_slack", PreferenceScope.EVERYONE, null, "job.failed", Severity.INFO)), enabled(SLACK)).keySet());
        assertEquals(Set.of("nch_slack"), RouteMatcher.route(failed,
                List.of(pref("nch_slack", PreferenceScope.EVERYONE, null, "job.*", Severity.INFO)), enabled(SLACK)).keySet());
        assertEquals(Set.of("nch_slack"), RouteMatcher.route(failed,
                List.of(pref("nch_slack", PreferenceScope.EVERYONE, null, "*", Severity.INFO)), enabled(SLACK)).keySet());
        assertTrue(RouteMatcher.route(failed, List.of(pref("nch_slack", PreferenceScope.EVERYONE, null, "job.completed", Severity.INFO),
                pref("nch_slack", PreferenceScope.EVERYONE, null, "approval.*", Severity.INFO)), enabled(SLACK)).isEmpty());
        assertTrue(RouteMatcher.route(event("job.nonsense", Severity.ERROR, "u1", null, null),
                List.of(pref("nch_slack", PreferenceScope.EVERYONE, null, "*", Severity.INFO)), enabled(SLACK)).isEmpty());
    }

    @Test
    void theSeverityMustReachThePreferencesMinimum() {
        Preference errorsUp = pref("nch_slack", PreferenceScope.EVERYONE, null, "*", Severity.ERROR);
        assertTrue(RouteMatcher.route(event("job.cancelled", Severity.WARNING, null, null, null), List.of(errorsUp), enabled(SLACK)).isEmpty());
        assertFalse(RouteMatcher.route(event("job.failed", Severity.ERROR, null, null, null), List.of(errorsUp), enabled(SLACK)).isEmpty());
        assertFalse(RouteMatcher.route(event("system.circuit_open", Severity.CRITICAL, null, null, null), List.of(errorsUp),
                enabled(SLACK)).isEmpty());
    }

    @Test
    void aScopeMatchesOnlyItsOwnUsersTeamsAndOrganisations() {
        StoredEvent e = event("job.completed", Severity.INFO, "u1", "t1", "o1");
        List<Preference> prefs = List.of(pref("nch_mail", PreferenceScope.USER, "u1", "*", Severity.INFO, "u1@x.example"),
                pref("nch_mail", PreferenceScope.USER, "u2", "*", Severity.INFO, "u2@x.example"),
                pref("nch_mail", PreferenceScope.TEAM, "t1", "*", Severity.INFO, "t1@x.example"),
                pref("nch_mail", PreferenceScope.TEAM, "t2", "*", Severity.INFO, "t2@x.example"),
                pref("nch_mail", PreferenceScope.ORG, "o1", "*", Severity.INFO, "o1@x.example", "u1@x.example"),
                pref("nch_mail", PreferenceScope.ORG, "o2", "*", Severity.INFO, "o2@x.example"));
        Map<String, Set<String>> routes = RouteMatcher.route(e, prefs, enabled(MAIL));
        // one delivery per channel, to the union of the matching preferences' recipients
        assertEquals(Map.of("nch_mail", Set.of("u1@x.example", "t1@x.example", "o1@x.example")), routes);
        assertTrue(RouteMatcher.route(event("system.circuit_open", Severity.CRITICAL, null, null, null), prefs, enabled(MAIL)).isEmpty());
    }

    @Test
    void aUsersMuteSilencesTheirRoutineEventsOnUserAndTeamPreferencesOnly() {
        List<Preference> prefs = List.of(pref("nch_mail", PreferenceScope.USER, "u1", "job.*", Severity.INFO, "u1@x.example"),
                pref("nch_slack", PreferenceScope.TEAM, "t1", "*", Severity.INFO),
                pref("nch_hook", PreferenceScope.EVERYONE, null, "job.*", Severity.INFO),
                mute("u1", "job.*"));
        Map<String, Channel> channels = enabled(MAIL, SLACK, channel("nch_hook", ChannelType.WEBHOOK, List.of()));
        assertEquals(Set.of("nch_hook"), RouteMatcher.route(event("job.completed", Severity.INFO, "u1", "t1", "o1"), prefs, channels).keySet());
        // not routine: the mute does not apply
        assertEquals(Set.of("nch_mail", "nch_slack", "nch_hook"),
                RouteMatcher.route(event("job.failed", Severity.ERROR, "u1", "t1", "o1"), prefs, channels).keySet());
        // not this user's event, or not a muted type
        assertEquals(Set.of("nch_slack", "nch_hook"),
                RouteMatcher.route(event("job.completed", Severity.INFO, "u2", "t1", "o1"), prefs, channels).keySet());
        assertEquals(Set.of("nch_slack"),
                RouteMatcher.route(event("upload.completed", Severity.INFO, "u1", "t1", "o1"), prefs, channels).keySet());
    }

    @Test
    void webhookEndpointsGetTheEventsTheySubscribedTo() {
        assertEquals(Map.of("nch_hook", Set.of()), RouteMatcher.route(event("approval.requested", Severity.WARNING, null, null, null),
                List.of(), enabled(HOOK)));
        assertEquals(Set.of("nch_hook"), RouteMatcher.route(event("job.failed", Severity.ERROR, null, null, null), List.of(),
                enabled(HOOK)).keySet());
        assertTrue(RouteMatcher.route(event("job.completed", Severity.INFO, null, null, null), List.of(), enabled(HOOK)).isEmpty());
    }

    @Test
    void disabledPreferencesAndChannelsRouteNothing() {
        Preference off = new Preference("npr_off", "nch_slack", PreferenceScope.EVERYONE, null, "*", Severity.INFO, false, false,
                List.of(), "t", null);
        assertTrue(RouteMatcher.route(event("job.failed", Severity.ERROR, null, null, null), List.of(off), enabled(SLACK)).isEmpty());
        assertTrue(RouteMatcher.route(event("job.failed", Severity.ERROR, null, null, null),
                List.of(pref("nch_slack", PreferenceScope.EVERYONE, null, "*", Severity.INFO)), enabled(MAIL)).isEmpty());
    }

    @Test
    void patternsAreValidatedAgainstTheKnownTypes() {
        assertTrue(EventPattern.valid("*"));
        assertTrue(EventPattern.valid("job.*"));
        assertTrue(EventPattern.valid("system.audit_chain_broken"));
        assertFalse(EventPattern.valid("jobs.*"));
        assertFalse(EventPattern.valid("job.nope"));
        assertFalse(EventPattern.valid("job*"));
        assertFalse(EventPattern.valid(null));
    }
}
