package dev.notifier.cli.ops.topics;

import static dev.notifier.cli.ops.OpsTestSupport.run;
import static dev.notifier.cli.ops.OpsTestSupport.topicConfig;
import static dev.notifier.cli.ops.OpsTestSupport.topicsUnder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code notifier topics create|describe|verify} on a fresh broker, each test under a prefix of its
 * own: a dry run creates nothing, create makes every topic of the catalogue with the configs it needs
 * and a second create changes nothing, verify names what an operator broke and create repairs it.
 */
@Timeout(180)
class TopicsCommandIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(1).start();
    admin = kafka.admin();
  }

  @AfterAll
  static void stopBroker() {
    admin.close();
    kafka.close();
  }

  @Test
  void aDryRunCreatesNothingThenCreateMakesEveryTopicOnceAsTheCatalogueNeedsIt() throws Exception {
    // Step 1: configure a prefix nobody used, two partitions a topic
    Topics topics = Topics.withPrefix("fresh.");
    String config = OpsTestSupport.configFile(kafka.bootstrapServers(), "fresh.", "topics: {partitions: 2}").toString();

    // Step 2: a dry run says what it would create, and creates nothing
    Run dry = run("topics", "create", "--dry-run", "--config", config);
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("dry run — nothing is changed.")
        .contains("would create fresh.notifier.status: 2 partitions, the broker's default replication factor, "
            + "cleanup.policy=compact")
        .contains("would create fresh.notifier.send.usage: 2 partitions, the broker's default replication factor, "
            + "cleanup.policy=delete, retention.ms=172800000, retention.bytes=-1")
        .contains("would create " + topics.all().size() + ",");
    assertThat(topicsUnder(admin, "fresh.")).as("topics after a dry run").isEmpty();

    // Step 3: create makes them all, with the catalogue's configs; verify and describe agree
    Run create = run("topics", "create", "--config", config);
    assertThat(create.code()).as(create.out() + create.err()).isZero();
    assertThat(create.out()).contains("created " + topics.all().size() + ", set configs of 0, left 0 as they are");
    checkCreatedAsNeeded(topics, 2);
    Run verify = run("topics", "verify", "--config", config);
    assertThat(verify.code()).as(verify.out()).isZero();
    assertThat(verify.out()).contains("ok: all " + topics.all().size() + " topics exist with the configs notifier needs");
    Run describe = run("topics", "describe", "--config", config);
    assertThat(describe.code()).isZero();
    assertThat(describe.out().lines().filter(l -> l.startsWith("fresh.notifier.")))
        .hasSize(topics.all().size()).allMatch(l -> l.endsWith("  ok"));

    // Step 4: a second create is a no-op: nothing recreated (same topic ids), nothing set
    Map<String, Uuid> ids = ids(topics);
    Run again = run("topics", "create", "--config", config);
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("nothing to do: all " + topics.all().size() + " topics exist");
    assertThat(ids(topics)).isEqualTo(ids);
  }

  @Test
  void verifyNamesWhatWasBrokenAndCreateRepairsOnlyThat() throws Exception {
    // Step 1: every topic created by the command, then an operator breaks two
    Topics topics = Topics.withPrefix("broken.");
    String config = OpsTestSupport.configFile(kafka.bootstrapServers(), "broken.", "topics: {partitions: 2}")
        .toString();
    assertThat(run("topics", "create", "--config", config).code()).isZero();
    String status = topics.status().name();
    String tier = topics.waitTiers().get(2).name();
    OpsTestSupport.setTopicConfig(admin, status, "cleanup.policy", "delete");
    admin.deleteTopics(List.of(tier)).all().get(30, TimeUnit.SECONDS);
    Await.until(TIMEOUT, tier + " gone", () -> !topicsUnder(admin, "broken.").contains(tier));
    String send = topics.send().name();
    Uuid sendId = describe(List.of(send)).get(send).topicId();

    // Step 2: verify fails, naming both
    Run verify = run("topics", "verify", "--config", config);
    assertThat(verify.code()).as(verify.out()).isEqualTo(1);
    assertThat(verify.out()).contains("error: broken.notifier.send.wait.5s: missing")
        .contains("error: broken.notifier.status: cleanup.policy is delete, must be compact")
        .contains("2 of " + topics.all().size() + " topics are missing or misconfigured: run "
            + "`notifier topics create --config FILE`");

    // Step 3: create repairs both; the new tier takes the send topic's 2 partitions, not --partitions 4
    Run create = run("topics", "create", "--config", config, "--partitions", "4");
    assertThat(create.code()).as(create.out() + create.err()).isZero();
    assertThat(create.out()).contains("create broken.notifier.send.wait.5s: 2 partitions")
        .contains("set broken.notifier.status: cleanup.policy=compact (now delete)")
        .contains("created 1, set configs of 1, left " + (topics.all().size() - 2) + " as they are");
    assertThat(topicConfig(admin, status, "cleanup.policy")).isEqualTo("compact");
    assertThat(describe(List.of(tier)).get(tier).partitions()).hasSize(2);
    assertThat(describe(List.of(send)).get(send).topicId()).as("the send topic is not recreated").isEqualTo(sendId);
    assertThat(run("topics", "verify", "--config", config).code()).isZero();
  }

  /**
   * More workers need more send partitions: grow gives the send topic and every tier the new count together (a tier
   * left behind would leave the new send partitions without retry partitions of their own), never the events topic
   * (the streams app's stores are partitioned as it is), and never fewer.
   */
  @Test
  void growGivesTheSendTopicAndEveryTierMorePartitionsAndNothingElse() throws Exception {
    // Step 1: every topic with two partitions
    Topics topics = Topics.withPrefix("grow.");
    String config = OpsTestSupport.configFile(kafka.bootstrapServers(), "grow.", "topics: {partitions: 2}").toString();
    assertThat(run("topics", "create", "--config", config).code()).isZero();
    List<String> family = new java.util.ArrayList<>(List.of(topics.send().name()));
    topics.retryTopics().forEach(t -> family.add(t.name()));

    // Step 2: a dry run names each topic it would grow, and grows none
    Run dry = run("topics", "grow", "--config", config, "--partitions", "4", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would grow grow.notifier.send: 2 -> 4 partitions")
        .contains("would grow " + topics.retry(1).name() + ": 2 -> 4 partitions");
    assertThat(partitions(family)).containsOnly(2);

    // Step 3: grow gives the send topic and its tiers four, the others keep two; verify is content
    Run grow = run("topics", "grow", "--config", config, "--partitions", "4");
    assertThat(grow.code()).as(grow.out() + grow.err()).isZero();
    assertThat(grow.out()).contains("grew " + family.size() + " topics to 4 partitions");
    assertThat(partitions(family)).containsOnly(4);
    assertThat(partitions(List.of(topics.events().name(), topics.status().name(), topics.usage().name())))
        .containsOnly(2);
    Run verify = run("topics", "verify", "--config", config);
    assertThat(verify.code()).as(verify.out()).isZero();
    assertThat(verify.out()).doesNotContain("warning");

    // Step 4: again, nothing to do; fewer is refused, saying why
    assertThat(run("topics", "grow", "--config", config, "--partitions", "4").out()).contains("nothing to do");
    Run fewer = run("topics", "grow", "--config", config, "--partitions", "3");
    assertThat(fewer.code()).isEqualTo(2);
    assertThat(fewer.err()).contains("--partitions 3 is fewer than the 4 grow.notifier.send has: Kafka only adds "
        + "partitions, so ask for 4 or more");
    assertThat(partitions(family)).containsOnly(4);
  }

  /** The partition count of each of {@code names}. */
  private static List<Integer> partitions(Collection<String> names) throws Exception {
    return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
        .map(d -> d.partitions().size()).toList();
  }

  private static void checkCreatedAsNeeded(Topics topics, int partitions) throws Exception {
    Set<String> compacted = topics.compacted().stream().map(Topic::name).collect(Collectors.toSet());
    Map<String, TopicDescription> described = describe(topics.all().stream().map(Topic::name).toList());
    assertThat(described.keySet()).containsExactlyInAnyOrderElementsOf(topicsUnder(admin, topics.prefix()));
    for (TopicDescription d : described.values()) {
      assertThat(d.partitions()).as(d.name() + " partitions").hasSize(partitions);
      assertThat(topicConfig(admin, d.name(), "cleanup.policy")).as(d.name() + " cleanup.policy")
          .isEqualTo(compacted.contains(d.name()) ? "compact" : "delete");
    }
    assertThat(topicConfig(admin, topics.usage().name(), "retention.ms")).isEqualTo("172800000");
    assertThat(topicConfig(admin, topics.usage().name(), "retention.bytes")).isEqualTo("-1");
  }

  private static Map<String, TopicDescription> describe(Collection<String> names) throws Exception {
    return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
  }

  private static Map<String, Uuid> ids(Topics topics) throws Exception {
    return describe(topics.all().stream().map(Topic::name).toList()).values().stream()
        .collect(Collectors.toMap(TopicDescription::name, TopicDescription::topicId));
  }
}
