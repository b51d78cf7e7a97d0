package io.tuneops.webhook;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
class ProviderResourceTest {

    @Test
    void listsReplicateAsNotYetConfigured() {
        RestAssured.get("/api/cloud/providers").then().statusCode(200)
                .body("providers.name", hasItem("replicate"))
                .body("providers.find { it.name == 'replicate' }.configured", equalTo(false));
    }
}
