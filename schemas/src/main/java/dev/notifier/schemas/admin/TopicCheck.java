package dev.notifier.schemas.admin;

import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * The start-up check of the streams app and the sender worker: the topics a process reads and
 * writes exist with the configs they need ({@link TopicVerifier}), before any of its clients is
 * made. It is what keeps a topic from being created with the broker's defaults: a consumer can be
 * told not to ({@code allow.auto.create.topics=false}, which every consumer of ours sets), a
 * producer cannot — its first send to a missing topic creates it wherever the broker allows it.
 */
public final class TopicCheck {

  /** How long the check may wait for the cluster. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TopicCheck() {
  }

  /**
   * Returns the warnings about {@code used}, for the caller to log; throws {@link TopicsNotReadyException}
   * naming every topic that is missing or misconfigured, and what to run.
   *
   * @param who the process, for the message: {@code the sender worker}
   */
  public static List<Finding> requireReady(Properties clientProperties, Topics topics, List<Topic<?, ?>> used,
      String who) {
    try (Admin admin = Admin.create(clientProperties)) {
      List<Finding> findings = new TopicAdmin(admin, TIMEOUT).verify(topics, used.stream().map(topics::spec).toList());
      List<Finding> errors = findings.stream().filter(Finding::isError).toList();
      if (!errors.isEmpty()) {
        throw new TopicsNotReadyException(who, errors);
      }
      return findings;
    }
  }
}
