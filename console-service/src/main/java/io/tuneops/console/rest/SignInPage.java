package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.SameSitePath;
import io.tuneops.console.web.Section;
import io.tuneops.console.web.Visitor;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

/**
 * The sign-in forms: a username and password, or an API key. Both post straight to the gateway
 * ({@code POST /api/auth/session}), which checks them and answers with a session cookie; neither
 * passes through this service, and neither appears in a URL (the forms post) or in the page
 * afterwards.
 */
@Path("/sign-in")
@Produces(MediaType.TEXT_HTML)
public class SignInPage {

    /** templates/SignInPage/signIn.html; {@code next} is where the gateway sends the browser after signing in. */
    record signIn(Layout layout, String error, String next) implements TemplateInstance {
    }

    private final Pages pages;

    public SignInPage(Pages pages) {
        this.pages = pages;
    }

    @GET
    public Response page(@QueryParam("error") String error, @QueryParam("next") String next, @Context RoutingContext rc) {
        String target = safeNext(next);
        Optional<Visitor> visitor = Visitor.of(rc);
        if (visitor.isPresent()) {
            return Pages.redirect(target == null ? "/jobs" : target);
        }
        return Response.ok(new signIn(pages.layout(null, Section.NONE, "Sign in"), message(error), target)).build();
    }

    /** The gateway's reasons, in words (it sends only a code: no key or detail in a URL). */
    static String message(String error) {
        if (error == null) {
            return null;
        }
        return switch (error) {
            case "invalid" -> "Those credentials were not accepted: a wrong username or password, an inactive user, or an "
                    + "API key that is unknown, expired or revoked. Check them and try again.";
            case "locked" -> "Too many failed sign-ins: this user is locked out for a while. Try again later, or ask an admin.";
            case "expired" -> "Your session has ended. Sign in again.";
            default -> "Signing in did not work. Try again.";
        };
    }

    /** Only a path on this site (the gateway's rule), and neither the sign-in page itself nor the API. */
    static String safeNext(String next) {
        if (!SameSitePath.accepted(next) || next.startsWith("/sign-in") || next.startsWith("/api/")) {
            return null;
        }
        return next;
    }
}
