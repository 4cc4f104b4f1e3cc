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
}
