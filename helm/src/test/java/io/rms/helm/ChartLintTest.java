package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void lintStrictPassesWithDefaultValues() {
    LintResult lint = ChartRenderer.lintStrict();
    assertThat(lint.isFailed()).as("lint messages: %s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }
}
