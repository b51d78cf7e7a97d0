package io.tuneops.storage;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class S3RoutesTest {

    @Test
    void unsignedRequestsAreDeniedInS3Xml() {
        for (String path : new String[]{"/api/cloud/storage", "/api/cloud/storage/job-1", "/api/cloud/storage/job-1/out/model.safetensors"}) {
            RestAssured.get(path).then().statusCode(403)
                    .contentType(containsString("application/xml"))
                    .header("x-amz-request-id", matchesPattern("[0-9A-F]{16}"))
                    .body("Error.Code", equalTo("AccessDenied"));
        }
        RestAssured.given().body(new byte[1024]).put("/api/cloud/storage/job-1/a.bin").then().statusCode(403)
                .body("Error.Code", equalTo("AccessDenied"));
    }
}
