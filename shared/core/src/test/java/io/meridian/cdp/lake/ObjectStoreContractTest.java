package io.meridian.cdp.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ObjectStore} must have. Each implementation gets a subclass: local
 * ones as unit tests, AWS ones against the emulator.
 */
public abstract class ObjectStoreContractTest {
  @TempDir protected Path temp;
  protected ObjectStore store;

  /** A new, empty store. */
  protected abstract ObjectStore createStore() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = createStore();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void returnsWhatWasPut() throws Exception {
    store.put("raw/tenant=a/x.json", utf8("hello"));
    assertThat(store.get("raw/tenant=a/x.json")).hasValue(utf8("hello"));
    assertThat(store.exists("raw/tenant=a/x.json")).isTrue();
  }

  @Test
  void missingObjectIsEmptyNotAnError() throws Exception {
    assertThat(store.get("nothing/here.json")).isEmpty();
    assertThat(store.exists("nothing/here.json")).isFalse();
  }

  @Test
  void putReplacesTheWholeObject() throws Exception {
    store.put("a/b.txt", utf8("a much longer first version"));
    store.put("a/b.txt", utf8("short"));
    assertThat(store.get("a/b.txt")).hasValue(utf8("short"));
  }

  @Test
  void putFileStoresTheFileContent() throws Exception {
    Path f = temp.resolve("upload.bin");
    byte[] content = new byte[300_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }
    Files.write(f, content);
    store.putFile("clean/events/part.parquet", f);
    assertThat(store.get("clean/events/part.parquet")).hasValue(content);
  }

  @Test
  void listsKeysUnderAPrefixInOrder() throws Exception {
    store.put("raw/tenant=b/2.gz", utf8("2"));
    store.put("raw/tenant=a/1.gz", utf8("1"));
    store.put("raw/tenant=a/sub/3.gz", utf8("3"));
    store.put("rawish/4.gz", utf8("4"));
    store.put("clean/5.parquet", utf8("5"));
    assertThat(store.list("raw/"))
        .containsExactly("raw/tenant=a/1.gz", "raw/tenant=a/sub/3.gz", "raw/tenant=b/2.gz");
    assertThat(store.list("raw/tenant=a/"))
        .containsExactly("raw/tenant=a/1.gz", "raw/tenant=a/sub/3.gz");
    assertThat(store.list("raw")).hasSize(4);
    assertThat(store.list("nothing/")).isEmpty();
  }

  @Test
  void deleteRemovesAndIsIdempotent() throws Exception {
    store.put("x/y.txt", utf8("y"));
    store.delete("x/y.txt");
    store.delete("x/y.txt");
    assertThat(store.exists("x/y.txt")).isFalse();
    assertThat(store.list("x/")).isEmpty();
  }

  @Test
  void emptyObjectsAreObjects() throws Exception {
    store.put("e/empty", new byte[0]);
    assertThat(store.get("e/empty")).hasValue(new byte[0]);
    assertThat(store.list("e/")).containsExactly("e/empty");
  }

  @Test
  void refusesKeysThatEscapeTheStore() {
    for (String bad : new String[] {"../outside", "a/../../b", "/absolute", "a//b", "dir/"}) {
      assertThatThrownBy(() -> store.put(bad, utf8("x")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid object key");
    }
  }
}
