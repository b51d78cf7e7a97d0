package io.tuneops.console.web;

import io.quarkus.qute.TemplateInstance;
import io.tuneops.console.client.OwnerUnavailable;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refusals and unknown pages as pages, not as the API's JSON (service-support's JsonErrorMappers
 * keeps every other error). Rendered here, in full, because an exception mapper's answer does not
 * pass through the template response filter.
 */
public class ConsolePageErrors {

    private static final Logger LOG = Logger.getLogger(ConsolePageErrors.class);

    /** templates/ConsolePageErrors/error.html */
    record error(Layout layout, String heading, String message) implements TemplateInstance {
    }

    private final Pages pages;
    private final CurrentVertxRequest request;

    public ConsolePageErrors(Pages pages, CurrentVertxRequest request) {
        this.pages = pages;
        this.request = request;
    }

    @ServerExceptionMapper
    public Response refused(Refused e) {
        return page(e.status(), e.visitor(), e.title(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return page(404, current(), "Not found", "There is no such page in the console.");
    }

    /** An owner the page cannot do without did not answer: say which, never hang. */
    @ServerExceptionMapper
    public Response ownerUnavailable(OwnerUnavailable e) {
        return page(503, current(), "Not available", e.getMessage() + ". Try again in a moment.");
    }

    /**
     * Anything unexpected while building a page: a page in words, the details in the log. (Errors of
     * the HTTP layer itself, a WebApplicationException, keep service-support's JSON.)
     */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("console page failed", e);
        return page(500, current(), "Something went wrong", "The page could not be shown. Try again in a moment.");
    }

    private Visitor current() {
        return request.getCurrent() == null ? null : Visitor.of(request.getCurrent()).orElse(null);
    }

    private Response page(int status, Visitor visitor, String heading, String message) {
        String html = new error(pages.layout(visitor, Section.NONE, heading), heading, message).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }
}
