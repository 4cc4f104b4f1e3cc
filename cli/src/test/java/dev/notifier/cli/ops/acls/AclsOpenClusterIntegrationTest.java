package dev.notifier.cli.ops.acls;

import static dev.notifier.cli.ops.OpsTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code notifier acls} on a cluster that runs no authorizer: it says what that means instead of failing obscurely. */
class AclsOpenClusterIntegrationTest {

  private static EmbeddedKafka kafka;
  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.builder().start();
    config = OpsTestSupport.configFile(kafka.bootstrapServers(), "");
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void printingTheAclsNeedsNoCluster() {
    Run print = run("acls", "--config", config.toString());
    assertThat(print.code()).as(print.err()).isZero();
    assertThat(print.out()).contains("User:notifier-producer", "WRITE", "notifier.events", "run with --apply");
  }

  @Test
  void applyingThemOnAClusterWithoutAnAuthorizerSaysSo() {
    Run refused = run("acls", "--apply", "--config", config.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("the cluster runs no authorizer", "authorizer.class.name");

    Run skipped = run("acls", "--apply", "--skip-without-authorizer", "--config", config.toString());
    assertThat(skipped.code()).as(skipped.err()).isZero();
    assertThat(skipped.out()).contains("no ACLs applied");
  }
}
