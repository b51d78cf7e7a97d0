package io.tuneops.console.web;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.ApiProblem;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.util.function.Function;

/** What every page handler does the same way: who is asking, the layout, and where to go after a change. */
@ApplicationScoped
public class Pages {

    private final AssetCatalog assets;

    public Pages(AssetCatalog assets) {
        this.assets = assets;
    }

    /**
     * The signed-in visitor, who must hold {@code required}. SignInGate has already sent anonymous
     * visitors to the sign-in page; a visitor without the scope gets a 403 page.
     */
    public Visitor visitor(RoutingContext rc, Access required) {
        Visitor visitor = Visitor.of(rc).orElseThrow(Refused::signedOut);
        if (!visitor.has(required)) {
            throw Refused.scope(visitor, required);
        }
        return visitor;
    }

    public Layout layout(Visitor visitor, Section section, String title) {
        return new Layout(title, section, visitor, assets.urls());
    }

    /** Whether htmx made the request (it then swaps part of the page or follows HX-Redirect). */
    public static boolean htmx(RoutingContext rc) {
        return rc.request().getHeader(SignInGate.HTMX_REQUEST) != null;
    }

    /**
     * After a change: 303 to the page showing its result (post/redirect/get), or for htmx a 200
     * with HX-Redirect, which htmx follows with a full navigation.
     */
    public static Response seeOther(RoutingContext rc, String location) {
        if (htmx(rc)) {
            return Response.ok().header("HX-Redirect", location).build();
        }
        return redirect(location);
    }

    /**
     * After a change an owner may refuse: {@link #seeOther} the page showing its result, or the page
     * rendered again by {@code refused} with the owner's words (an owner that did not answer is one
     * that refused).
     */
    public static <T> Uni<Response> changed(RoutingContext rc, Uni<Answer<T>> change, String done,
                                            Function<String, Uni<TemplateInstance>> refused) {
        return changedOrForm(rc, change, done, problem -> refused.apply(problem.detail()));
    }

    /**
     * After a change made with a form: {@link #seeOther} the page showing its result, or the form
     * rendered again by {@code refused} with the owner's whole refusal, so that its field errors
     * stand beside their fields.
     */
    public static <T> Uni<Response> changedOrForm(RoutingContext rc, Uni<Answer<T>> change, String done,
                                                  Function<ApiProblem, Uni<TemplateInstance>> refused) {
        return Answer.recovering(change).chain(answer -> answer.fold(
                value -> Uni.createFrom().item(seeOther(rc, done)),
                problem -> refused.apply(problem).map(page -> Response.ok(page).build())));
    }

    /**
     * 303 with the path as it is: JAX-RS would make a relative Location absolute with the host this
     * service was called on, which behind the gateway is not the one the browser knows.
     */
    public static Response redirect(String path) {
        return Response.status(Response.Status.SEE_OTHER).header("Location", path).build();
    }
}
