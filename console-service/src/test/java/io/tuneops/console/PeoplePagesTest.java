package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.console.Browser.Scope;
import io.tuneops.console.FakeOwners.Recorded;
import io.vertx.core.json.JsonObject;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users and teams: admins list, create, change and deactivate users, and manage organisations, teams and members. */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class PeoplePagesTest {

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    @Test
    void usersAreListedAndCreatedAtTheGatewayWithTheBrowsersSession() {
        Document list = Browser.html(Browser.as(Scope.ADMIN).get("/users").then().statusCode(200).extract().asString());
        assertTrue(list.getElementById("user-usr_ada").text().contains("team_ml"));
        assertEquals("/users/usr_bob", list.getElementById("edit-usr_bob").attr("href"));
        assertEquals("Acme", list.select("#user-org option[value=org_acme]").text());

        Document created = Browser.html(Browser.form(Scope.ADMIN).formParam("username", "cleo").formParam("display_name", "Cleo")
                .formParam("email", "cleo@example.com").formParam("password", "a long passphrase").formParam("role", "operator")
                .formParam("org_id", "org_acme").post("/users").then().statusCode(200).extract().asString());
        Recorded sent = owners.last("POST", "/api/users");
        assertEquals(new JsonObject().put("username", "cleo").put("display_name", "Cleo").put("email", "cleo@example.com")
                .put("password", "a long passphrase").put("role", "operator").put("org_id", "org_acme"), new JsonObject(sent.body()));
        assertEquals(Browser.CSRF, sent.headers().get("X-CSRF-Token"));
        assertEquals(Browser.COOKIE, sent.headers().get("Cookie"));
        assertEquals("User cleo was created (usr_cleo).", created.getElementById("users-notice").text());
        assertFalse(created.html().contains("a long passphrase"), "a password is never echoed");
    }

    @Test
    void aRefusedUserIsShownNextToItsFieldWithWhatWasTyped() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("username", "Bad Name").formParam("role", "admin")
                .post("/users").asString());
        assertEquals("2 to 64 lower-case letters, digits or ._-", page.getElementById("user-username-error").text());
        assertEquals("Bad Name", page.getElementById("user-username").attr("value"));
        assertEquals("admin", page.select("#user-role option[selected]").attr("value"));
    }

    @Test
    void aUsersRoleAndActiveStateAreChangedAndAnEmptyPasswordIsNotSent() {
        Document form = Browser.html(Browser.as(Scope.ADMIN).get("/users/usr_bob").then().statusCode(200).extract().asString());
        assertEquals("operator", form.select("#user-role option[selected]").attr("value"));
        assertTrue(form.getElementById("user-active").hasAttr("checked"));
        Browser.form(Scope.ADMIN).formParam("display_name", "Bob B").formParam("email", "bob@example.com")
                .formParam("role", "admin").formParam("password", "").post("/users/usr_bob")
                .then().statusCode(303).header("Location", "/users/usr_bob?saved=1");
        assertEquals(new JsonObject().put("display_name", "Bob B").put("email", "bob@example.com").put("role", "admin")
                .put("is_active", false), owners.lastBody("PATCH", "/api/users/usr_bob"), "unticked: inactive");
        Browser.form(Scope.ADMIN).formParam("email", " ").formParam("role", "admin").formParam("is_active", "true")
                .post("/users/usr_bob").then().statusCode(303);
        assertEquals(new JsonObject().put("email", "").put("role", "admin").put("is_active", true),
                owners.lastBody("PATCH", "/api/users/usr_bob"), "an emptied email is removed");
        Document refused = Browser.html(Browser.form(Scope.ADMIN).formParam("role", "owner").formParam("is_active", "true")
                .post("/users/usr_bob").then().statusCode(200).extract().asString());
        assertEquals("one of viewer, operator, admin", refused.getElementById("user-role-error").text());
        Browser.as(Scope.ADMIN).get("/users/usr_nobody").then().statusCode(404);
    }

    @Test
    void aUserIsDeactivatedAfterConfirmation() {
        Document confirm = Browser.html(Browser.as(Scope.ADMIN).get("/users/usr_bob/deactivate").asString());
        assertEquals("/users/usr_bob/deactivate", confirm.getElementById("confirm-form").attr("action"));
        Browser.form(Scope.ADMIN).post("/users/usr_bob/deactivate").then().statusCode(303)
                .header("Location", "/users?deactivated=usr_bob");
        assertFalse(owners.gates.users.get("usr_bob").getBoolean("is_active"));
        Document list = Browser.html(Browser.as(Scope.ADMIN).get("/users?deactivated=usr_bob").asString());
        assertTrue(list.getElementById("users-notice").text().contains("no longer work"));
        assertTrue(list.getElementById("user-usr_bob").text().contains("deactivated"));
        Browser.as(Scope.OPERATOR).get("/users").then().statusCode(403);
    }

    @Test
    void organisationsShowTheirTeamsAndMembersWhichAreManagedHere() {
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/teams").then().statusCode(200).extract().asString());
        assertTrue(page.getElementById("org-org_acme").text().contains("ML research"));
        assertNotNull(page.getElementById("member-team_ml-usr_ada"));
        assertEquals("/teams/org_acme/team_ml/members", page.getElementById("add-member-team_ml").attr("action"));

        Document added = Browser.html(Browser.form(Scope.ADMIN).formParam("user_id", "usr_bob")
                .post("/teams/org_acme/team_ml/members").then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("user_id", "usr_bob"), owners.lastBody("POST", "/api/orgs/org_acme/teams/team_ml/members"));
        assertNotNull(added.getElementById("member-team_ml-usr_bob"));
        assertEquals("User usr_bob was added to team team_ml.", added.getElementById("teams-notice").text());

        Browser.form(Scope.ADMIN).post("/teams/org_acme/team_ml/members/usr_bob/remove").then().statusCode(200);
        assertEquals(1, owners.requests("DELETE", "/api/orgs/org_acme/teams/team_ml/members/usr_bob").size());

        Document team = Browser.html(Browser.form(Scope.ADMIN).formParam("name", "Vision").post("/teams/org_acme/teams").asString());
        assertNotNull(team.getElementById("team-team_new"));
        Document refused = Browser.html(Browser.form(Scope.ADMIN).post("/teams/org_acme/teams").asString());
        assertEquals("Team not created: Invalid team (name: required)", refused.getElementById("teams-action-error").text());
        Browser.form(Scope.ADMIN).formParam("name", "Globex").post("/teams").then().statusCode(200);
        assertEquals(new JsonObject().put("name", "Globex"), owners.lastBody("POST", "/api/orgs"));
    }
}
