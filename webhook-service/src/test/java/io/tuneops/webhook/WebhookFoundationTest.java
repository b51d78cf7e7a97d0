package io.tuneops.webhook;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.testing.ServiceFoundationContract;

@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
class WebhookFoundationTest extends ServiceFoundationContract {

    @Override
    protected String schema() {
        return "webhook";
    }
}
