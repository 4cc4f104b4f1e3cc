package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Without Chromium the browser test is skipped on a laptop and fails in CI (NOTIFIER_REQUIRE_TOOLS). */
class ChromiumTest {

  private static final File MISSING = new File("/nonexistent/chromium");

  @Test
  void missingChromiumFailsWhenToolsAreRequiredAndSkipsOtherwise() {
    assertThatThrownBy(() -> Chromium.require(MISSING, Chromium.DRIVER, true)).isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("apt-get install chromium chromium-driver");
    assertThatThrownBy(() -> Chromium.require(Chromium.BROWSER, MISSING, true))
        .isInstanceOf(AssertionFailedError.class);
    assertThatThrownBy(() -> Chromium.require(MISSING, Chromium.DRIVER, false))
        .isInstanceOf(TestAbortedException.class);
    File here = new File("/bin/sh");
    assertThatCode(() -> Chromium.require(here, here, true)).doesNotThrowAnyException();
  }
}
