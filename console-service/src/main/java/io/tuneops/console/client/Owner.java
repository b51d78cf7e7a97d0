package io.tuneops.console.client;

/** The services the console calls, named as a page's error panel names them. */
public enum Owner {
    GATEWAY("gateway-service"),
    WEBHOOK("webhook-service"),
    STORAGE("storage-service"),
    METRICS("metrics-service"),
    AUDIT("audit-service");

    private final String serviceName;

    Owner(String serviceName) {
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }
}
