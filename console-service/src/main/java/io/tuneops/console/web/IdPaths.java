package io.tuneops.console.web;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every id in a console path ({@code /jobs/{id}}, {@code /users/{id}}, ...) must have an id's
 * shape ({@link Ids}); any other is a page that does not exist, answered with the console's own
 * not-found page before an owner is called (an owner given a NUL byte answers 500, which the
 * page would show as the owner being unavailable).
 */
public class IdPaths {

    @ServerRequestFilter
    public void requireIds(UriInfo uri) {
        for (var parameter : uri.getPathParameters().values()) {
            for (String value : parameter) {
                if (!Ids.valid(value)) {
                    throw new NotFoundException();
                }
            }
        }
    }
}
