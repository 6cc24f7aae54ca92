package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.lake.ObjectStoreContractTest;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class LocalFileObjectStoreTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore createStore() throws Exception {
    return new LocalFileObjectStore(temp.resolve("lake"));
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    store.put("a/b/c.txt", "x".getBytes());
    store.put("a/b/c.txt", "y".getBytes());
    try (var files = Files.walk(temp.resolve("lake"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactly("c.txt");
    }
  }
}
