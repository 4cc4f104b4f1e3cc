package dev.notifier.schemas.admin;

import dev.notifier.schemas.RequiredConfig;

/**
 * One thing {@link TopicVerifier} found about a topic. An error ({@link #isError()}) stops the
 * streams app and the worker at start-up and fails {@code notifier topics verify}; a warning is
 * reported and nothing more.
 */
public sealed interface Finding {

  /** The topic it is about, prefix included. */
  String topic();

  /** Whether it stops start-up: a missing topic or a wrong config; the other findings are warnings. */
  default boolean isError() {
    return this instanceof Missing || this instanceof WrongConfig;
  }

  /** What is wrong, for a person: {@code missing}, {@code cleanup.policy is delete, must be compact}. */
  String problem();

  /** The topic does not exist. An error. */
  record Missing(String topic) implements Finding {
    @Override
    public String problem() {
      return "missing";
    }
  }

  /** A config the code depends on has another value ({@code actual} null: not set). An error. */
  record WrongConfig(String topic, RequiredConfig required, String actual) implements Finding {
    @Override
    public String problem() {
      return required.key() + " is " + (actual == null ? "not set" : actual) + ", must be " + required.describe();
    }
  }

  /** A retry or wait tier whose partition count is not the send topic's. A warning. */
  record PartitionsApart(String topic, int partitions, String sendTopic, int sendPartitions) implements Finding {
    @Override
    public String problem() {
      return partitions + " partitions where " + sendTopic + " has " + sendPartitions + ": its partition r goes to "
          + "the worker owning send partition r mod " + sendPartitions + ", so retries and waits spread unevenly "
          + "over the workers; the intended layout gives every tier the send topic's count";
    }
  }

  /** This client may not read the topic's configs, so they were not checked. A warning. */
  record ConfigsUnreadable(String topic) implements Finding {
    @Override
    public String problem() {
      return "configs not checked: not authorized to read them (grant DescribeConfigs on the topic)";
    }
  }
}
