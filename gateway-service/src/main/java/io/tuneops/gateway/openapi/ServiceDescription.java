package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tuneops.gateway.routing.RoutePatterns;

import java.util.List;
import java.util.Locale;

/**
 * One service's own OpenAPI description and the public prefixes the gateway routes to it: only
 * paths under those prefixes reach the combined description.
 */
record ServiceDescription(String service, List<String> prefixes, ObjectNode document) {

    ServiceDescription {
        prefixes = List.copyOf(prefixes);
    }

    boolean routes(String path) {
        for (String prefix : prefixes) {
            if (RoutePatterns.covers(prefix, path)) {
                return true;
            }
        }
        return false;
    }

    /** What a component of this service is renamed with when another service has a different one of the same name. */
    String componentPrefix() {
        String area = service.endsWith("-service") ? service.substring(0, service.length() - "-service".length()) : service;
        return area.substring(0, 1).toUpperCase(Locale.ROOT) + area.substring(1);
    }
}
