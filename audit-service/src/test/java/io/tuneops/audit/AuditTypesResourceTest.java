package io.tuneops.audit;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class AuditTypesResourceTest {

    @Test
    void listsTheDocumentedEventTypes() {
        Caller.admin().get("/api/audit/types").then().statusCode(200)
                .body("types.type", hasItems("webhook_rejected", "rate_limited", "provider.configured", "config.changed"));
    }
}
