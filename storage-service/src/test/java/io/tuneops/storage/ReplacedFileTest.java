package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.service.AsideRecovery;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.ObjectStore.Aside;
import io.tuneops.storage.service.TempFiles;
import io.vertx.core.Future;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new version's file moved into place keeps the file it replaces under a second, temporary name
 * instead of letting the rename free it while the key's lock is held; that name goes once the
 * change is settled, and the file goes back in its place when the change is undone.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class ReplacedFileTest {

    @Inject
    ObjectStore store;

    @Inject
    TempFiles temps;

    @Inject
    AsideRecovery recovery;

    @Inject
    RedisDataSource redis;

    @Test
    void theReplacedFileIsKeptAsideUntilDropped() throws Exception {
        String key = "job-" + UUID.randomUUID() + "/model.safetensors";
        Path target = store.objectPath(key);
        assertEquals(List.of(), replaceWith(key, "first"), "a key's first version replaces nothing");

        List<Aside> aside = replaceWith(key, "second");
        assertEquals(1, aside.size());
        assertEquals(target, aside.get(0).object());
        assertEquals("second", Files.readString(target));
        assertEquals("first", Files.readString(aside.get(0).temp()));

        store.dropAside(aside).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        S3TestSupport.awaitFileRemovals();
        assertFalse(Files.exists(aside.get(0).temp()));
        assertEquals("second", Files.readString(target));
    }

    @Test
    void anUndoneReplacePutsTheReplacedFileBack() throws Exception {
        String key = "job-" + UUID.randomUUID() + "/model.safetensors";
        Path target = store.objectPath(key);
        replaceWith(key, "first");
        ObjectStore.SetAside second = replace(key, "second");

        await(store.undoReplace(second));
        assertEquals("first", Files.readString(target));
        S3TestSupport.awaitFileRemovals();
        assertFalse(Files.exists(second.files().get(0).temp()));
    }

    @Test
    void anUndoneFirstVersionLeavesNoFile() throws Exception {
        String key = "job-" + UUID.randomUUID() + "/model.safetensors";
        Path target = store.objectPath(key);
        ObjectStore.SetAside first = replace(key, "first");

        await(store.undoReplace(first));
        assertFalse(Files.exists(target));
    }

    @Test
    void anUndoLeavesANewerVersionInPlace() throws Exception {
        String key = "job-" + UUID.randomUUID() + "/model.safetensors";
        Path target = store.objectPath(key);
        replaceWith(key, "first");
        ObjectStore.SetAside second = replace(key, "second");
        List<Aside> third = replaceWith(key, "third");

        await(store.undoReplace(second));
        assertEquals("third", Files.readString(target));
        S3TestSupport.awaitFileRemovals();
        assertFalse(Files.exists(second.files().get(0).temp()));
        store.dropAside(third);
    }

    @Test
    void aFileKeptForRecoveryIsHandedToItByTheSweep() throws Exception {
        String key = "job-" + UUID.randomUUID() + "/model.safetensors";
        replaceWith(key, "first");
        List<Aside> aside = replaceWith(key, "second");

        store.keepForRecovery(aside);
        TempFiles.Swept swept = temps.sweep();
        assertTrue(swept.setAside().contains(new TempFiles.SetAsideFile(aside.get(0).temp(), key)), swept.toString());
        assertEquals("first", Files.readString(aside.get(0).temp()));
        Files.delete(aside.get(0).temp());
    }

    @Test
    void aReplaceThatCouldNotBeUndoneIsSettledSoonAfter() throws Exception {
        S3TestSupport.Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "checkpoint.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String etag = s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromString("committed")).eTag();
            // a new version moved in whose change did not commit, and whose undo could not run
            List<Aside> aside = replaceWith(key, "never committed, longer");
            store.keepForRecovery(aside);

            recovery.settleSoon(List.of(new TempFiles.SetAsideFile(aside.get(0).temp(), key))).await().atMost(Duration.ofSeconds(30));
            var got = s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key));
            assertEquals("committed", got.asUtf8String());
            assertEquals(etag, got.response().eTag());
            assertFalse(Files.exists(aside.get(0).temp()));
        }
    }

    private List<Aside> replaceWith(String key, String content) throws Exception {
        return replace(key, content).files();
    }

    private ObjectStore.SetAside replace(String key, String content) throws Exception {
        Path temp = store.newTempPath();
        Files.writeString(temp, content);
        ObjectStore.SetAside moved = await(store.replace(temp, key, System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        await(moved.synced());
        return moved;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
