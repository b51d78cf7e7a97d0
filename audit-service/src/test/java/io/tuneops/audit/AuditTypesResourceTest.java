package io.tuneops.audit;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
class AuditTypesResourceTest {

    @Test
    void listsTheDocumentedEventTypes() {
        Caller.admin().get("/api/audit/types").then().statusCode(200)
                .body("types.type", hasItems("webhook_rejected", "rate_limited", "provider.configured", "config.changed"));
    }
}
