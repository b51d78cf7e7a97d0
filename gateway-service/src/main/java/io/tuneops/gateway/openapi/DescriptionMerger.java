package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Combines the services' own descriptions into the one the gateway serves: each service's paths
 * under the prefixes the gateway routes to it (its hidden, internal or unrouted ones never
 * appear), the tags those paths use, the components they refer to, the three credential schemes,
 * and the routing table itself as {@value #ROUTES_EXTENSION}. Every operation states its
 * requirement ({@code []} when it needs no credential), since the API as a whole has none.
 *
 * <p>Components are shared by name across services. Equal definitions under one name are one
 * component (the {@code {"detail": ...}} error shape, for instance); different definitions under
 * one name are each renamed with their service's prefix ({@code WebhookValidationError}), and
 * that service's references follow, so no client type silently takes another service's shape. A
 * clash that renaming cannot resolve, or one path described by two services, fails the merge.
 */
final class DescriptionMerger {

    static final String ROUTES_EXTENSION = "x-tuneops-routes";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String SECURITY_SCHEMES = "securitySchemes";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DescriptionMerger() {
    }

    static ObjectNode merge(String version, List<ServiceDescription> sources) {
        Map<String, Set<JsonNode>> definitionsByRef = new HashMap<>();
        for (ServiceDescription source : sources) {
            forEachComponent(source.document(), (ref, definition) ->
                    definitionsByRef.computeIfAbsent(ref, k -> new HashSet<>()).add(definition));
        }
        Map<String, ObjectNode> paths = new TreeMap<>();
        Map<String, Map<String, JsonNode>> components = new TreeMap<>();
        Map<String, JsonNode> otherSchemes = new TreeMap<>();
        Set<String> usedTags = new LinkedHashSet<>();
        Map<String, JsonNode> declaredTags = new LinkedHashMap<>();
        ArrayNode routes = NODES.arrayNode();

        for (ServiceDescription source : sources) {
            ObjectNode document = source.document().deepCopy();
            Map<String, String> renamedRefs = new HashMap<>();
            forEachComponent(document, (ref, definition) -> {
                if (definitionsByRef.get(ref).size() > 1) {
                    int slash = ref.lastIndexOf('/');
                    renamedRefs.put(ref, ref.substring(0, slash + 1) + source.componentPrefix() + ref.substring(slash + 1));
                }
            });
            rewriteRefs(document, renamedRefs);
            forEachComponent(source.document(), (ref, definition) -> {
                String target = renamedRefs.getOrDefault(ref, ref);
                String[] parts = target.split("/");  // #, components, kind, name
                put(components.computeIfAbsent(parts[2], k -> new TreeMap<>()), parts[3], definition(document, ref), target);
            });
            Map<String, String> schemeNames = schemeNames(document, otherSchemes);
            JsonNode serviceSecurity = renameRequirements(document.get("security"), schemeNames);
            for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
                if (!source.routes(path.getKey()) || !(path.getValue() instanceof ObjectNode item)) {
                    continue;
                }
                if (paths.containsKey(path.getKey())) {
                    throw new IllegalStateException(path.getKey() + " is described by " + source.service() + " and another service");
                }
                for (Map.Entry<String, JsonNode> operation : item.properties()) {
                    if (METHODS.contains(operation.getKey()) && operation.getValue() instanceof ObjectNode op) {
                        JsonNode security = op.has("security") ? renameRequirements(op.get("security"), schemeNames) : serviceSecurity;
                        // stated on every operation: the combined description has no API-wide requirement
                        op.set("security", security == null ? NODES.arrayNode() : security);
                        op.path("tags").forEach(tag -> usedTags.add(tag.asText()));
                    }
                }
                paths.put(path.getKey(), item);
            }
            // a tag named on a resource and described elsewhere may be listed twice: the described one wins
            document.path("tags").forEach(tag -> declaredTags.merge(tag.path("name").asText(), tag,
                    (first, later) -> first.has("description") || !later.has("description") ? first : later));
            source.prefixes().forEach(prefix -> routes.addObject().put("prefix", prefix).put("service", source.service()));
        }

        ObjectNode combined = NODES.objectNode();
        combined.put("openapi", sources.isEmpty() ? "3.1.0" : sources.get(0).document().path("openapi").asText("3.1.0"));
        combined.putObject("info").put("title", "tuneops").put("version", version).put("description",
                "The public API of tuneops, served by its gateway: every route the gateway forwards to a service,"
                        + " and the gateway's own. Errors are {\"detail\": ...} JSON, S3 errors S3 XML.");
        combined.putArray("servers").addObject().put("url", "/").put("description", "The gateway that serves this description");
        ArrayNode tags = combined.putArray("tags");
        usedTags.forEach(name -> tags.add(declaredTags.getOrDefault(name, NODES.objectNode().put("name", name))));
        combined.putObject("paths").setAll(paths);
        ObjectNode componentsNode = combined.putObject("components");
        components.forEach((kind, byName) -> componentsNode.putObject(kind).setAll(byName));
        ObjectNode schemes = componentsNode.putObject(SECURITY_SCHEMES);
        for (CredentialScheme scheme : CredentialScheme.values()) {
            schemes.set(scheme.schemeName(), scheme.definition());
        }
        otherSchemes.forEach((name, definition) -> {
            if (schemes.has(name)) {
                throw new IllegalStateException("a security scheme named " + name + " is not the " + name + " credential");
            }
            schemes.set(name, definition);
        });
        combined.set(ROUTES_EXTENSION, routes);
        return combined;
    }

    private interface ComponentVisitor {
        void visit(String ref, JsonNode definition);
    }

    /** Every component but the security schemes, by the reference that points at it. */
    private static void forEachComponent(JsonNode document, ComponentVisitor visitor) {
        for (Map.Entry<String, JsonNode> kind : document.path("components").properties()) {
            if (!kind.getKey().equals(SECURITY_SCHEMES)) {
                for (Map.Entry<String, JsonNode> component : kind.getValue().properties()) {
                    visitor.visit("#/components/" + kind.getKey() + "/" + component.getKey(), component.getValue());
                }
            }
        }
    }

    private static JsonNode definition(JsonNode document, String ref) {
        String[] parts = ref.split("/");
        return document.path("components").path(parts[2]).path(parts[3]);
    }

    private static void put(Map<String, JsonNode> byName, String name, JsonNode definition, String ref) {
        JsonNode existing = byName.putIfAbsent(name, definition);
        if (existing != null && !existing.equals(definition)) {
            throw new IllegalStateException("two different components would be " + ref);
        }
    }

    /** Points references (and discriminator mappings, which hold references as plain strings) at renamed components. */
    private static void rewriteRefs(JsonNode node, Map<String, String> renamedRefs) {
        if (renamedRefs.isEmpty()) {
            return;
        }
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                if (value.isTextual() && renamedRefs.containsKey(value.asText())) {
                    field.setValue(NODES.textNode(renamedRefs.get(value.asText())));
                } else {
                    rewriteRefs(value, renamedRefs);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(element -> rewriteRefs(element, renamedRefs));
        }
    }

    /**
     * The combined name of each of the service's security schemes: one of the three credentials
     * when it is one of them, else its own name (collected into {@code otherSchemes}).
     */
    private static Map<String, String> schemeNames(JsonNode document, Map<String, JsonNode> otherSchemes) {
        Map<String, String> names = new HashMap<>();
        for (Map.Entry<String, JsonNode> scheme : document.path("components").path(SECURITY_SCHEMES).properties()) {
            Optional<CredentialScheme> known = CredentialScheme.recognise(scheme.getValue());
            if (known.isPresent()) {
                names.put(scheme.getKey(), known.get().schemeName());
            } else {
                put(otherSchemes, scheme.getKey(), scheme.getValue(), "#/components/securitySchemes/" + scheme.getKey());
                names.put(scheme.getKey(), scheme.getKey());
            }
        }
        return names;
    }

    private static JsonNode renameRequirements(JsonNode requirements, Map<String, String> schemeNames) {
        if (requirements == null || !requirements.isArray()) {
            return null;
        }
        ArrayNode renamed = NODES.arrayNode();
        for (JsonNode requirement : requirements) {
            ObjectNode alternative = renamed.addObject();
            requirement.properties().forEach(scheme ->
                    alternative.set(schemeNames.getOrDefault(scheme.getKey(), scheme.getKey()), scheme.getValue()));
        }
        return renamed;
    }
}
