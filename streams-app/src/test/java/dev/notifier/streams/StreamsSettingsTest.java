package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.schemas.Topics;
import dev.notifier.streams.expand.RuleBookLoader.InvalidRulesException;
import dev.notifier.streams.route.AccountRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsSettingsTest {

  @Test
  void aRulesFileWithABadPolicyStopsStartUpNamingTheFileKeyValueAndFix(@TempDir Path dir) throws Exception {
    Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules:\n  - events: bug.*\n    notify: [to]\n"
        + "    template: bug\n    digest: {mode: daily, at: \"25:00\"}\n    expiresAfter: soon\n");
    StreamsSettings settings = new StreamsSettings(null, null, null, rules.toString(), null, null, null, null);

    assertThatThrownBy(() -> settings.topology(Topics.standard(), AccountRouter.single("default")))
        .isInstanceOf(InvalidRulesException.class)
        .hasMessageContaining(rules + ": rules[0].digest.at: '25:00' is not valid; use a local time HH:mm")
        .hasMessageContaining(rules + ": rules[0].expiresAfter: 'soon' is not valid; use a positive duration");
  }

  @Test
  void commitSettingsOutOfRangeStopStartUpNamingKeyValueAndFix() {
    assertThatThrownBy(() -> StreamsSettings.defaults().withCommitInterval(java.time.Duration.ofMillis(1)))
        .hasMessageStartingWith("streams.commitInterval is PT0.001S: it must be between PT0.01S and PT30S"
            + " (default PT0.05S)");
    org.assertj.core.api.Assertions.assertThat(StreamsSettings.defaults().commitInterval())
        .isEqualTo(java.time.Duration.ofMillis(50));
  }

  @Test
  void theRetiredCommitWhenCaughtUpKeyStopsStartUpSayingWhatToDoInstead() {
    assertThatThrownBy(() -> new StreamsSettings(null, null, null, null, null, null, null, null, null, null, null,
        java.time.Duration.ofMillis(20), null))
        .hasMessage("streams.commitWhenCaughtUp is PT0.02S: this key is retired; the topology commits every"
            + " streams.commitInterval (now PT0.05S, default PT0.05S). Delete the key, or set"
            + " streams.commitInterval to how often to commit");
  }

  @Test
  void thePolicyTickIsConfigurableWithinItsRangeAndReachesTheTopology() {
    org.assertj.core.api.Assertions.assertThat(StreamsSettings.defaults().withPolicyTick(java.time.Duration.ofSeconds(2))
        .topology(Topics.standard(), AccountRouter.single("default")).policyTick())
        .isEqualTo(java.time.Duration.ofSeconds(2));
    org.assertj.core.api.Assertions.assertThat(StreamsSettings.defaults()
        .topology(Topics.standard(), AccountRouter.single("default")).policyTick())
        .isEqualTo(TopologySettings.DEFAULT_POLICY_TICK);
    assertThatThrownBy(() -> StreamsSettings.defaults().withPolicyTick(java.time.Duration.ofMillis(100)))
        .hasMessageStartingWith("streams.policyTick is PT0.1S: it must be between PT1S and PT5M (default PT10S)");
  }
}
