package io.tuneops.storage;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.testing.ServiceFoundationContract;

@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class StorageFoundationTest extends ServiceFoundationContract {

    @Override
    protected String schema() {
        return "storage";
    }
}
