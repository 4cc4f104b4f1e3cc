package dev.notifier.cli.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code notifier webhooks} refuses to start, naming the variable, when the unsubscribe key is not set. */
class WebhooksCommandTest {

  @Test
  void anUnsetUnsubscribeKeyIsNamedAndNothingStarts() throws Exception {
    String variable = "NOTIFIER_TEST_UNSUBSCRIBE_KEY_THAT_IS_NEVER_SET";
    Path config = OpsTestSupport.configFile("127.0.0.1:1", "", "webhooks: {port: 0}",
        "unsubscribe: {baseUrl: 'https://mail.example.com', keyEnv: " + variable + "}");

    Run run = OpsTestSupport.run("webhooks", "--config", config.toString());

    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("unsubscribe.keyEnv names " + variable + ", which is not set");
    assertThat(run.out()).doesNotContain("receiving webhooks");
  }
}
