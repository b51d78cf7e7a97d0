package io.tuneops.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.testing.ServiceFoundationContract;

@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
class GatewayFoundationTest extends ServiceFoundationContract {

    @Override
    protected String schema() {
        return "gateway";
    }
}
