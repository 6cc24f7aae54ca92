package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** cdk-nag's AWS Solutions checks run in the app: no error, no warning left unsuppressed. */
class CdkNagTest {
  @Test
  void awsSolutionsChecksFindNoUnsuppressedError() {
    assertThat(findings("error")).isEmpty();
  }

  @Test
  void awsSolutionsChecksFindNoUnsuppressedWarning() {
    assertThat(findings("warning")).isEmpty();
  }

  private static List<String> findings(String level) {
    List<String> out = new ArrayList<>();
    for (Stack stack : stacks()) {
      Annotations annotations = Annotations.fromStack(stack);
      List<SynthesisMessage> messages =
          level.equals("error")
              ? annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
              : annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
      for (SynthesisMessage m : messages) {
        out.add(m.getId() + ": " + m.getEntry().getData());
      }
    }
    return out;
  }

  private static List<Stack> stacks() {
    CdpApp.Stacks s = SynthesizedApp.stacks();
    return List.of(s.data(), s.governance(), s.pipeline());
  }
}
