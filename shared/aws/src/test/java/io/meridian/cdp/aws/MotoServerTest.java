package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How {@code CDP_AWS_EMULATOR} chooses the emulator of the AWS adapter tests. */
class MotoServerTest {
  @Test
  void motoUnlessLocalStackIsAskedFor() {
    assertThat(MotoServer.Kind.parse(null)).isEqualTo(MotoServer.Kind.MOTO);
    assertThat(MotoServer.Kind.parse(" ")).isEqualTo(MotoServer.Kind.MOTO);
    assertThat(MotoServer.Kind.parse("moto")).isEqualTo(MotoServer.Kind.MOTO);
    assertThat(MotoServer.Kind.parse("LocalStack")).isEqualTo(MotoServer.Kind.LOCALSTACK);
  }

  @Test
  void anUnknownEmulatorIsRefusedNotIgnored() {
    assertThatThrownBy(() -> MotoServer.Kind.parse("docker"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("CDP_AWS_EMULATOR is 'docker': use moto (the default) or localstack");
  }
}
