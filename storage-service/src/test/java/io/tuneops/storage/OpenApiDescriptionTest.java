package io.tuneops.storage;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /q/openapi describes every S3 operation S3Routes dispatches (from META-INF/openapi.yaml, as the
 * routes are Vert.x routes), with the SigV4 scheme and the S3 Error document.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class OpenApiDescriptionTest {

    private static final String BASE = "/api/cloud/storage";
    /** Every S3 operation S3Routes dispatches, each named in the summary of the operation that stands for it. */
    private static final List<String> S3_OPERATIONS = List.of("ListBuckets", "ListObjectsV2", "ListObjects", "ListObjectVersions",
            "ListMultipartUploads", "GetBucketLocation", "GetBucketVersioning", "HeadBucket", "DeleteObjects", "GetObject",
            "ListParts", "GetObjectAttributes", "HeadObject", "PutObject", "CopyObject", "UploadPart", "UploadPartCopy", "DeleteObject",
            "AbortMultipartUpload", "CreateMultipartUpload", "CompleteMultipartUpload");
    /** The S3 operation names at the end of a summary: "Download an object (GetObject, ListParts)". */
    private static final Pattern NAMES = Pattern.compile("\\(([A-Za-z0-9, ]+)\\)$");

    private static JsonPath description() {
        return RestAssured.given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void everyS3PathAndMethodIsDocumented() {
        Map<String, Map<String, Object>> paths = description().getMap("paths");
        Map<String, Set<String>> methods = new TreeMap<>();
        paths.forEach((path, item) -> methods.put(path, new TreeMap<>(item).keySet()));
        methods.values().forEach(m -> m.remove("parameters"));
        assertEquals(Map.of(
                BASE, Set.of("get"),
                BASE + "/{bucket}", Set.of("get", "head", "post"),
                BASE + "/{bucket}/{key}", Set.of("get", "head", "put", "delete", "post")), methods);
    }

    @Test
    void everyS3OperationIsNamedTaggedAndSigned() {
        Map<String, Map<String, Object>> paths = description().getMap("paths");
        Set<String> named = new TreeSet<>();
        paths.forEach((path, item) -> item.forEach((method, value) -> {
            if (method.equals("parameters")) {
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> operation = (Map<String, Object>) value;
            assertEquals(List.of("Storage"), operation.get("tags"), path + " " + method);
            List<?> security = (List<?>) operation.get("security");
            assertTrue(security.contains(Map.of("sigv4", List.of())), path + " " + method);
            boolean read = method.equals("get") || method.equals("head");
            // API keys only ever read, through the gateway
            assertEquals(read, security.contains(Map.of("bearer", List.of())), path + " " + method);
            assertEquals(read, security.contains(Map.of("X-API-Key", List.of())), path + " " + method);
            Matcher names = NAMES.matcher(operation.get("summary").toString());
            assertTrue(names.find(), path + " " + method + " names no S3 operation");
            named.addAll(List.of(names.group(1).split(", ")));
        }));
        assertEquals(new TreeSet<>(S3_OPERATIONS), named);
    }

    @Test
    void sigV4AndApiKeysAreTheSchemesAndErrorsAreS3Xml() {
        JsonPath description = description();
        assertEquals("tuneops storage-service", description.getString("info.title"));
        Map<String, Object> sigv4 = description.getMap("components.securitySchemes.sigv4");
        assertEquals("apiKey", sigv4.get("type"));
        assertEquals("header", sigv4.get("in"));
        assertEquals("Authorization", sigv4.get("name"));
        assertTrue(sigv4.get("description").toString().contains("AWS Signature Version 4"));
        assertTrue(sigv4.get("description").toString().contains("presigned"));
        assertEquals("bearer", description.getString("components.securitySchemes.bearer.scheme"));
        assertEquals("X-API-Key", description.getString("components.securitySchemes.X-API-Key.name"));
        assertEquals("Error", description.getString("components.schemas.S3Error.xml.name"));
        Map<String, Object> forbidden = description.getMap("components.responses.S3Forbidden.content.'application/xml'.schema");
        assertEquals("#/components/schemas/S3Error", forbidden.get("$ref"));
    }
}
