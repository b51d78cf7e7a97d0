package io.tuneops.gateway.openapi;

import java.util.List;

/** Services whose own description could not be read, so the combined one cannot be complete. */
public class DescriptionUnavailableException extends RuntimeException {

    private final List<String> services;

    public DescriptionUnavailableException(List<String> services) {
        super("The API description is unavailable: " + String.join(", ", services)
                + (services.size() == 1 ? " does" : " do") + " not answer with its own; retry shortly");
        this.services = List.copyOf(services);
    }

    public List<String> services() {
        return services;
    }
}
