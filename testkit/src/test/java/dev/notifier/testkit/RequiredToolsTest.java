package dev.notifier.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing tool skips a test on a laptop and fails it in CI; a tool runs when it exits 0 in time. */
class RequiredToolsTest {

  @Test
  void aMissingToolFailsWhereToolsAreRequiredAndSkipsElsewhere() {
    assertThatThrownBy(() -> RequiredTools.require(false, "apt-get install thing", true))
        .isInstanceOf(AssertionFailedError.class).hasMessageContaining("apt-get install thing")
        .hasMessageContaining(RequiredTools.REQUIRE_ENV);
    assertThatThrownBy(() -> RequiredTools.require(false, "apt-get install thing", false))
        .isInstanceOf(TestAbortedException.class).hasMessageContaining("apt-get install thing");
    assertThatCode(() -> RequiredTools.require(true, "apt-get install thing", true)).doesNotThrowAnyException();
  }

  @Test
  void aToolRunsWhenItExitsZeroInTime() {
    Duration timeout = Duration.ofSeconds(10);
    assertThat(RequiredTools.runs(timeout, "/bin/sh", "-c", "echo ok")).isTrue();
    assertThat(RequiredTools.runs(timeout, "/bin/sh", "-c", "exit 3")).isFalse();
    assertThat(RequiredTools.runs(timeout, "/nonexistent/tool", "--version")).isFalse();
    assertThat(RequiredTools.runs(Duration.ofMillis(200), "/bin/sh", "-c", "sleep 5")).as("too slow").isFalse();
  }
}
