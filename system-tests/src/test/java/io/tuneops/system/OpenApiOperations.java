package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operations of the combined description the gateway serves, the routing table it publishes
 * with them ({@code x-tuneops-routes}), and requests that reach each operation without changing
 * anything: ids that exist nowhere in the path, and a body that is not JSON, so the owner gets
 * past its access check and then refuses the request itself.
 */
final class OpenApiOperations {

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    /**
     * One line of the gateway's routing table. A {name} segment of the prefix stands for any one
     * segment ({@code /api/orgs/{org_id}/quotas}, an owner's routes under another's prefix).
     */
    record Route(String prefix, String service) {
        boolean covers(String path) {
            String[] want = prefix.substring(1).split("/", -1);
            String[] have = path.substring(1).split("/", -1);
            if (have.length < want.length) {
                return false;
            }
            for (int i = 0; i < want.length; i++) {
                if (want[i].startsWith("{") ? have[i].isEmpty() : !want[i].equals(have[i])) {
                    return false;
                }
            }
            return true;
        }

        /** The prefix with every parameter a segment that exists nowhere. */
        String concretePrefix() {
            return PARAMETER.matcher(prefix).replaceAll(m -> "no-such-" + m.group(1).replace('_', '-'));
        }
    }

    /** One documented operation. */
    record Operation(String method, String path, JsonNode definition) {

        @Override
        public String toString() {
            return method + " " + path;
        }

        boolean reads() {
            return method.equals("GET") || method.equals("HEAD");
        }

        /**
         * Documented as callable without an API key: no requirement (the combined description has
         * none for the whole API), an empty one, or one an S3 signature meets.
         */
        boolean openWithoutApiKey() {
            JsonNode security = definition.get("security");
            if (security == null || security.isEmpty()) {
                return true;
            }
            for (JsonNode alternative : security) {
                if (alternative.isEmpty() || alternative.has("sigv4")) {
                    return true;
                }
            }
            return false;
        }

        /** The path with every parameter an id that exists nowhere ({@code /api/cloud/jobs/no-such-job-id}). */
        String concretePath() {
            Matcher parameter = PARAMETER.matcher(path);
            return parameter.replaceAll(m -> "no-such-" + m.group(1).replace('_', '-').toLowerCase(Locale.ROOT));
        }

        /** Sends it to {@code base} (a gateway or an owner) with the given headers. */
        Http.Reply send(String base, Map<String, String> headers) {
            boolean body = definition.has("requestBody");
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + concretePath()))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body ? HttpRequest.BodyPublishers.ofString("{not json") : HttpRequest.BodyPublishers.noBody());
            if (body) {
                request.header("Content-Type", "application/json");
            }
            headers.forEach(request::header);
            return Http.send(request.build());
        }
    }

    private OpenApiOperations() {
    }

    static List<Operation> of(JsonNode description) {
        List<Operation> operations = new ArrayList<>();
        description.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                operations.add(new Operation(op.getKey().toUpperCase(), path.getKey(), op.getValue()));
            }
        }));
        return operations;
    }

    static List<Route> routes(JsonNode description) {
        List<Route> routes = new ArrayList<>();
        description.get("x-tuneops-routes").forEach(r -> routes.add(new Route(r.get("prefix").asText(), r.get("service").asText())));
        return routes;
    }

    /**
     * The route that covers {@code path}, or null when the gateway routes it nowhere: the most
     * specific one, as the gateway routes (an owner's /api/orgs/{org_id}/quotas before its own /api/orgs).
     */
    static Route routeOf(List<Route> routes, String path) {
        return routes.stream().filter(r -> r.covers(path))
                .max(Comparator.comparingInt(r -> r.prefix().split("/").length)).orElse(null);
    }

    /** Whether this is the answer of a server that has no route for the request at all. */
    static boolean noRoute(Http.Reply reply) {
        if (reply.status() == 405) {
            return true;
        }
        if (reply.status() != 404 || !reply.body().startsWith("{")) {
            return false;
        }
        return "Not Found".equals(reply.json().path("detail").asText());
    }
}
