package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.testing.ServiceFoundationContract;

// the same resources as the other gateway tests, so that they all share one application
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class GatewayFoundationTest extends ServiceFoundationContract {

    @Override
    protected String schema() {
        return "gateway";
    }
}
