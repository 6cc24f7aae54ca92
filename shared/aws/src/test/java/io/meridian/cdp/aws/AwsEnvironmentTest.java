package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.WriteKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AwsEnvironmentTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  @Test
  void readsTheTenantConfigStoredUnderTheKey() throws Exception {
    String yaml =
        "version: 1\n"
            + "tenants:\n"
            + "- id: acme\n"
            + "  defaultPhoneRegion: DE\n"
            + "  sources:\n"
            + "  - id: web\n"
            + "    writeKeyHashes: ['"
            + WriteKeys.hash("wk_x")
            + "']\n";
    store.put("config/cdp.yaml", yaml.getBytes(StandardCharsets.UTF_8));

    CdpConfig config = AwsEnvironment.config(store, "config/cdp.yaml");

    assertThat(config.tenant("acme").orElseThrow().defaultPhoneRegion()).isEqualTo("DE");
  }

  @Test
  void refusesToStartWithoutTheConfigObject() {
    assertThatThrownBy(() -> AwsEnvironment.config(store, "config/cdp.yaml"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("config/cdp.yaml not found");
  }

  @Test
  void refusesToStartWithAnInvalidConfigNamingTheObject() throws Exception {
    store.put("config/cdp.yaml", "version: 2\n".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> AwsEnvironment.config(store, "config/cdp.yaml"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("config/cdp.yaml is invalid")
        .hasMessageContaining("config version 2 is not supported");
  }

  @Test
  void namesTheMissingEnvironmentVariable() {
    assertThatThrownBy(() -> AwsEnvironment.require("CDP_TEST_SURELY_UNSET_VARIABLE"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "environment variable CDP_TEST_SURELY_UNSET_VARIABLE must be set (see the handler's"
                + " Javadoc)");
  }
}
