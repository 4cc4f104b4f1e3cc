package dev.notifier.schemas.admin;

import dev.notifier.schemas.TopicSpec;
import dev.notifier.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * notifier's topics through Kafka's {@link Admin} client: what the cluster holds ({@link #observe}),
 * judged against the catalogue ({@link #verify}, see {@link TopicVerifier}), and brought to it
 * ({@link #plan}, {@link #apply}: see {@link TopicPlan}). Every request waits at most the time-out
 * it is given; a cluster that does not answer in time is a {@link KafkaException} naming the request.
 */
public final class TopicAdmin {

  /** How often {@link #apply} looks again whether the cluster shows what it did. */
  private static final Duration RECHECK = Duration.ofMillis(100);

  private final Admin admin;
  private final Duration timeout;

  public TopicAdmin(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /** What the cluster holds of each of {@code names} that exists; a missing topic is absent from the map. */
  public Map<String, ObservedTopic> observe(Collection<String> names) {
    Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names).topicNameValues();
    Map<String, TopicDescription> found = new LinkedHashMap<>();
    for (String name : names) {
      try {
        found.put(name, await(described.get(name), "describing topic " + name));
      } catch (UnknownTopicOrPartitionException e) {
        // missing: judged by the verifier
      } catch (KafkaException e) {
        throw new KafkaException("cannot describe topic " + name + ": " + e.getMessage(), e);
      }
    }
    Map<ConfigResource, KafkaFuture<Config>> configs = found.isEmpty() ? Map.of()
        : admin.describeConfigs(found.keySet().stream().map(TopicAdmin::resource).toList()).values();
    Map<String, ObservedTopic> observed = new LinkedHashMap<>();
    found.forEach((name, d) -> observed.put(name, new ObservedTopic(name, d.partitions().size(),
        d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size(), configs(name, configs))));
    return observed;
  }

  /** Findings for {@code specs} (and the send topic, the measure of the tiers' partitions). */
  public List<Finding> verify(Topics topics, List<TopicSpec> specs) {
    Set<String> names = new LinkedHashSet<>(specs.stream().map(TopicSpec::name).toList());
    names.add(topics.send().name());
    return TopicVerifier.check(specs, observe(names), topics.send().name());
  }

  /**
   * What it takes to bring every topic of {@code topics} to the catalogue. A missing topic is laid
   * out by {@code layout}, except that a missing retry or wait tier gets the partition count of an
   * existing send topic, so that it lines up with it.
   */
  public TopicPlan plan(Topics topics, TopicLayout layout) {
    List<TopicSpec> specs = topics.specs();
    Map<String, ObservedTopic> observed = observe(specs.stream().map(TopicSpec::name).toList());
    ObservedTopic send = observed.get(topics.send().name());
    TopicLayout tiers = send == null ? layout : layout.withPartitions(send.partitions());
    List<NewTopic> create = new ArrayList<>();
    List<Finding.WrongConfig> alter = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>();
    for (TopicSpec spec : specs) {
      if (!observed.containsKey(spec.name())) {
        create.add((spec.followsSend() ? tiers : layout).newTopic(spec, topics.prefix()));
      }
    }
    for (Finding f : TopicVerifier.check(specs, observed, topics.send().name())) {
      if (f instanceof Finding.WrongConfig wrong) {
        alter.add(wrong);
      } else if (!f.isError()) {
        warnings.add(f);
      }
    }
    List<String> unchanged = observed.keySet().stream()
        .filter(name -> alter.stream().noneMatch(w -> w.topic().equals(name))).toList();
    return new TopicPlan(create, alter, warnings, unchanged);
  }

  /**
   * Carries out {@code plan} (a topic created meanwhile by someone else is left as it is), then waits,
   * within the time-out, until the cluster shows every topic as the catalogue needs it, and returns
   * the findings of the last look: warnings only, unless the cluster did not get there in time.
   */
  public List<Finding> apply(Topics topics, TopicPlan plan) {
    create(plan.create());
    alter(plan.alter());
    return settle(() -> verify(topics, topics.specs()), findings -> findings.stream().noneMatch(Finding::isError));
  }

  /**
   * The partition count of the send topic (first) and of every retry and wait tier, those that exist: what
   * {@link #grow} may give more partitions together.
   */
  public Map<String, Integer> sendAndTiers(Topics topics) {
    List<String> names = new ArrayList<>();
    names.add(topics.send().name());
    topics.specs().stream().filter(TopicSpec::followsSend).map(TopicSpec::name).forEach(names::add);
    Map<String, Integer> counts = new LinkedHashMap<>();
    observe(names).forEach((name, topic) -> counts.put(name, topic.partitions()));
    return counts;
  }

  /**
   * Gives each of {@code names} {@code partitions} partitions (partitions are only ever added), then waits, within
   * the time-out, until the cluster shows them all; the names it does not show so yet.
   */
  public List<String> grow(Collection<String> names, int partitions) {
    if (names.isEmpty()) {
      return List.of();
    }
    Map<String, NewPartitions> grow = new LinkedHashMap<>();
    names.forEach(name -> grow.put(name, NewPartitions.increaseTo(partitions)));
    admin.createPartitions(grow).values().forEach((name, future) ->
        await(future, "giving topic " + name + " " + partitions + " partitions"));
    return settle(() -> {
      Map<String, ObservedTopic> observed = observe(names);
      return names.stream().filter(n -> observed.get(n) == null || observed.get(n).partitions() < partitions)
          .toList();
    }, List::isEmpty);
  }

  /** Looks until what it sees is {@code done}, within the time-out; the last look. */
  private <T> T settle(Supplier<T> look, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T seen = look.get();
    while (!done.test(seen) && System.nanoTime() < deadline) {
      pause();
      seen = look.get();
    }
    return seen;
  }

  private void create(List<NewTopic> topics) {
    if (topics.isEmpty()) {
      return;
    }
    admin.createTopics(topics).values().forEach((name, future) -> {
      try {
        await(future, "creating topic " + name);
      } catch (TopicExistsException e) {
        // created since the plan was made: verified with the others
      } catch (KafkaException e) {
        throw new KafkaException("cannot create topic " + name + ": " + e.getMessage(), e);
      }
    });
  }

  private void alter(List<Finding.WrongConfig> wrong) {
    if (wrong.isEmpty()) {
      return;
    }
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
    for (Finding.WrongConfig w : wrong) {
      ops.computeIfAbsent(resource(w.topic()), r -> new ArrayList<>()).add(new AlterConfigOp(
          new ConfigEntry(w.required().key(), w.required().value()), AlterConfigOp.OpType.SET));
    }
    admin.incrementalAlterConfigs(ops).values().forEach((resource, future) -> {
      try {
        await(future, "setting the configs of topic " + resource.name());
      } catch (KafkaException e) {
        throw new KafkaException("cannot set the configs of topic " + resource.name() + ": " + e.getMessage(), e);
      }
    });
  }

  /** The topic's configs; empty when this client may not read them. */
  private Optional<Map<String, String>> configs(String name, Map<ConfigResource, KafkaFuture<Config>> configs) {
    try {
      Map<String, String> values = new LinkedHashMap<>();
      for (ConfigEntry entry : await(configs.get(resource(name)), "describing the configs of topic " + name).entries()) {
        if (entry.value() != null) {
          values.put(entry.name(), entry.value());
        }
      }
      return Optional.of(values);
    } catch (TopicAuthorizationException | ClusterAuthorizationException e) {
      return Optional.empty();
    }
  }

  private static ConfigResource resource(String topic) {
    return new ConfigResource(ConfigResource.Type.TOPIC, topic);
  }

  /** The future's value within the time-out; Kafka's own exception when it failed with one. */
  private <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException kafka) {
        throw kafka;
      }
      throw new KafkaException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("Kafka did not answer within " + timeout.toSeconds() + " s while " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(RECHECK.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }
}
