package io.tuneops.storage;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.testing.ServiceFoundationContract;

@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
class StorageFoundationTest extends ServiceFoundationContract {

    @Override
    protected String schema() {
        return "storage";
    }
}
