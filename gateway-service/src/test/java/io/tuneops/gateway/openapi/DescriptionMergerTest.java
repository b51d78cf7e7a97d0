package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DescriptionMergerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode document(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final ObjectNode GATEWAY = document("""
            {'openapi': '3.1.0', 'info': {'title': 'tuneops gateway-service', 'version': '1'},
             'tags': [{'name': 'API keys', 'description': 'keys'}],
             'paths': {
               '/api/auth/api-keys': {'get': {'tags': ['API keys'], 'security': [{'key': []}, {'token': []}],
                 'responses': {'200': {'content': {'application/json': {'schema': {'$ref': '#/components/schemas/KeyList'}}}}}}},
               '/api/openapi': {'get': {'tags': ['API description']}},
               '/q/health': {'get': {'tags': ['Health']}}},
             'components': {
               'schemas': {'KeyList': {'type': 'object'}, 'ErrorResponse': {'type': 'object', 'properties': {'detail': {'type': 'string'}}},
                           'ValidationError': {'type': 'object', 'properties': {'errors': {'type': 'array'}}}},
               'securitySchemes': {'token': {'type': 'http', 'scheme': 'bearer'},
                                   'key': {'type': 'apiKey', 'in': 'header', 'name': 'X-API-Key'}}}}
            """);

    private static final ObjectNode WEBHOOK = document("""
            {'openapi': '3.1.0', 'info': {'title': 'tuneops webhook-service', 'version': '1'},
             'security': [{'bearer': []}, {'X-API-Key': []}],
             'tags': [{'name': 'Jobs'}, {'name': 'Webhooks'}, {'name': 'Internal'}, {'name': 'Jobs', 'description': 'jobs'}],
             'paths': {
               '/api/cloud/jobs/{job_id}': {'get': {'tags': ['Jobs'], 'responses': {
                 '400': {'content': {'application/json': {'schema': {'$ref': '#/components/schemas/ValidationError'}}}},
                 '404': {'content': {'application/json': {'schema': {'$ref': '#/components/schemas/ErrorResponse'}}}}}}},
               '/api/webhooks/{provider}': {'post': {'tags': ['Webhooks'], 'security': []}},
               '/api/cloud/jobsfoo': {'get': {'tags': ['Jobs']}},
               '/internal/jobs/figures': {'get': {'tags': ['Internal']}},
               '/api/audit': {'get': {'tags': ['Audit']}}},
             'components': {
               'schemas': {'ErrorResponse': {'type': 'object', 'properties': {'detail': {'type': 'string'}}},
                           'ValidationError': {'type': 'object', 'properties': {'fields': {'type': 'object'}}},
                           'Outcome': {'oneOf': [{'$ref': '#/components/schemas/ValidationError'}],
                                       'discriminator': {'propertyName': 'kind', 'mapping': {'v': '#/components/schemas/ValidationError'}}}},
               'securitySchemes': {'bearer': {'type': 'http', 'scheme': 'bearer', 'description': 'theirs'},
                                   'X-API-Key': {'type': 'apiKey', 'in': 'header', 'name': 'x-api-key'}}}}
            """);

    private static final ObjectNode STORAGE = document("""
            {'openapi': '3.1.0', 'info': {'title': 'tuneops storage-service', 'version': '1'},
             'tags': [{'name': 'Storage'}],
             'paths': {'/api/cloud/storage/{bucket}': {'get': {'tags': ['Storage'], 'security': [{'s3': []}, {'bearer': []}]}}},
             'components': {'securitySchemes': {'s3': {'type': 'apiKey', 'in': 'header', 'name': 'Authorization'},
                                                'bearer': {'type': 'http', 'scheme': 'bearer'}}}}
            """);

    private static ObjectNode merged() {
        return DescriptionMerger.merge("1.2.3", List.of(
                new ServiceDescription("gateway-service", List.of("/api/auth", "/api/openapi"), GATEWAY),
                new ServiceDescription("webhook-service", List.of("/api/webhooks", "/api/cloud/providers", "/api/cloud/jobs"), WEBHOOK),
                new ServiceDescription("storage-service", List.of("/api/cloud/storage"), STORAGE)));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void keepsOnlyThePathsEachServiceServesUnderThePrefixesRoutedToIt() {
        assertEquals(List.of("/api/auth/api-keys", "/api/cloud/jobs/{job_id}", "/api/cloud/storage/{bucket}",
                "/api/openapi", "/api/webhooks/{provider}"), names(merged().get("paths")));
    }

    @Test
    void statesTheBuildVersionAndPublishesTheRoutingTable() {
        ObjectNode combined = merged();
        assertEquals("tuneops", combined.at("/info/title").asText());
        assertEquals("1.2.3", combined.at("/info/version").asText());
        assertEquals("3.1.0", combined.get("openapi").asText());
        assertEquals("/", combined.at("/servers/0/url").asText());
        JsonNode routes = combined.get(DescriptionMerger.ROUTES_EXTENSION);
        assertEquals(6, routes.size());
        assertEquals("/api/openapi", routes.get(1).get("prefix").asText());
        assertEquals("gateway-service", routes.get(1).get("service").asText());
        assertEquals("/api/cloud/storage", routes.get(5).get("prefix").asText());
        assertEquals("storage-service", routes.get(5).get("service").asText());
    }

    @Test
    void equalComponentsAreSharedAndDifferentOnesOfOneNameArePrefixedWithTheirReferences() {
        ObjectNode combined = merged();
        assertEquals(List.of("ErrorResponse", "GatewayValidationError", "KeyList", "Outcome", "WebhookValidationError"),
                names(combined.at("/components/schemas")));
        assertEquals("#/components/schemas/WebhookValidationError",
                combined.at("/paths/~1api~1cloud~1jobs~1{job_id}/get/responses/400/content/application~1json/schema/$ref").asText());
        assertEquals("#/components/schemas/ErrorResponse",
                combined.at("/paths/~1api~1cloud~1jobs~1{job_id}/get/responses/404/content/application~1json/schema/$ref").asText());
        assertEquals("#/components/schemas/WebhookValidationError", combined.at("/components/schemas/Outcome/oneOf/0/$ref").asText());
        assertEquals("#/components/schemas/WebhookValidationError",
                combined.at("/components/schemas/Outcome/discriminator/mapping/v").asText());
        assertTrue(combined.at("/components/schemas/GatewayValidationError/properties/errors").isObject());
        // the services' own documents are left as they were (the gateway caches and serves them again)
        assertEquals("#/components/schemas/ValidationError", WEBHOOK.at("/components/schemas/Outcome/oneOf/0/$ref").asText());
    }

    @Test
    void declaresTheThreeCredentialsAndPointsEveryRequirementAtThem() {
        ObjectNode combined = merged();
        JsonNode schemes = combined.at("/components/securitySchemes");
        assertEquals(List.of("bearer", "X-API-Key", "sigv4"), names(schemes));
        assertEquals("http", schemes.at("/bearer/type").asText());
        assertEquals("X-API-Key", schemes.at("/X-API-Key/name").asText());
        assertEquals("Authorization", schemes.at("/sigv4/name").asText());
        assertEquals("[{\"X-API-Key\":[]},{\"bearer\":[]}]",
                combined.at("/paths/~1api~1auth~1api-keys/get/security").toString());
        assertEquals("[{\"sigv4\":[]},{\"bearer\":[]}]",
                combined.at("/paths/~1api~1cloud~1storage~1{bucket}/get/security").toString());
        // a service-wide requirement reaches its operations that state none; an explicit "none" stays
        assertEquals("[{\"bearer\":[]},{\"X-API-Key\":[]}]",
                combined.at("/paths/~1api~1cloud~1jobs~1{job_id}/get/security").toString());
        assertEquals("[]", combined.at("/paths/~1api~1webhooks~1{provider}/post/security").toString());
        // and an operation with no requirement at all says so
        assertEquals("[]", combined.at("/paths/~1api~1openapi/get/security").toString());
        assertFalse(combined.has("security"), "no requirement for the whole API: webhooks and the description are open");
    }

    @Test
    void keepsTheTagsOfTheKeptOperationsInServiceOrder() {
        JsonNode tags = merged().get("tags");
        assertEquals(5, tags.size());
        assertEquals("API keys", tags.get(0).get("name").asText());
        assertEquals("keys", tags.get(0).get("description").asText());
        assertEquals("{\"name\":\"API description\"}", tags.get(1).toString(), "used, never declared");
        assertEquals("Jobs", tags.get(2).get("name").asText());
        assertEquals("jobs", tags.get(2).get("description").asText(), "listed twice: the described one");
        assertEquals("Webhooks", tags.get(3).get("name").asText());
        assertEquals("Storage", tags.get(4).get("name").asText());
    }

    @Test
    void aPathDescribedByTwoServicesFailsTheMerge() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DescriptionMerger.merge("1", List.of(
                new ServiceDescription("webhook-service", List.of("/api/cloud/jobs"), WEBHOOK),
                new ServiceDescription("metrics-service", List.of("/api/cloud"), WEBHOOK))));
        assertTrue(e.getMessage().contains("/api/cloud/jobs/{job_id}"), e.getMessage());
    }

    @Test
    void anUnknownSchemeUnderACredentialsNameFailsTheMerge() {
        ObjectNode odd = document("""
                {'openapi': '3.1.0', 'paths': {},
                 'components': {'securitySchemes': {'sigv4': {'type': 'oauth2'}}}}
                """);
        assertThrows(IllegalStateException.class, () -> DescriptionMerger.merge("1", List.of(
                new ServiceDescription("audit-service", List.of("/api/audit"), odd))));
    }
}
