package dev.notifier.sender;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.smtp.UnsubscribeLinks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a {@link SenderWorker} runs with: its Kafka and worker settings, and what it takes from its
 * surroundings — the clock, the environment variables account passwords are read from, how it
 * waits, and the registry its meters go to. Built by {@link #builder}, which needs only the two
 * settings:
 *
 * <pre>{@code
 * new SenderWorker(WorkerContext.builder(kafka, settings).meterRegistry(registry).build());
 * }</pre>
 */
public final class WorkerContext {

  private final KafkaSettings kafka;
  private final Topics topics;
  private final WorkerSettings settings;
  private final Clock clock;
  private final Function<String, String> env;
  private final Sleeper sleeper;
  private final MeterRegistry meterRegistry;
  private final KafkaClients clients;
  private final UnsubscribeLinks unsubscribe;
  private final Keyring integrity;

  private WorkerContext(Builder b) {
    this.unsubscribe = b.unsubscribe;
    this.kafka = b.kafka;
    this.topics = b.topics != null ? b.topics : b.kafka.topics();
    this.settings = b.settings;
    this.clock = b.clock;
    this.env = b.env;
    this.sleeper = b.sleeper;
    this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
    this.clients = b.clients;
    this.integrity = b.integrity;
  }

  /** A context for {@code settings} on the cluster of {@code kafka}; the rest has defaults. */
  public static Builder builder(KafkaSettings kafka, WorkerSettings settings) {
    return new Builder(kafka, settings);
  }

  KafkaSettings kafka() {
    return kafka;
  }

  Topics topics() {
    return topics;
  }

  WorkerSettings settings() {
    return settings;
  }

  Clock clock() {
    return clock;
  }

  Function<String, String> env() {
    return env;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  KafkaClients clients() {
    return clients;
  }

  /** The one-click unsubscribe headers of its mail; null: none. */
  UnsubscribeLinks unsubscribe() {
    return unsubscribe;
  }

  Keyring integrity() {
    return integrity;
  }

  /** Collects a {@link WorkerContext}; every setter refuses null. */
  public static final class Builder {
    private final KafkaSettings kafka;
    private final WorkerSettings settings;
    private Topics topics;
    private Clock clock = Clock.systemUTC();
    private Function<String, String> env = System::getenv;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private MeterRegistry meterRegistry;
    private KafkaClients clients = KafkaClients.KAFKA;
    private UnsubscribeLinks unsubscribe;
    private Keyring integrity = Keyring.off();

    private Builder(KafkaSettings kafka, WorkerSettings settings) {
      this.kafka = Objects.requireNonNull(kafka, "kafka settings");
      this.settings = Objects.requireNonNull(settings, "worker settings");
    }

    /**
     * The topic catalogue, to write the status and dead-letter topics in a schema registry's wire
     * format and read the send topic in it too ({@code RegistryOutputs}); default the catalogue of the
     * kafka settings, which needs no registry.
     */
    public Builder topics(Topics topics) {
      this.topics = Objects.requireNonNull(topics, "topics");
      return this;
    }

    /** The time of statuses, retries, breakers and throttles; default the system clock in UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Looks up environment variables (the accounts' {@code passwordEnv}); default {@link System#getenv}. */
    public Builder env(Function<String, String> env) {
      this.env = Objects.requireNonNull(env, "env");
      return this;
    }

    /** How the worker waits (throttled sends, draining); default {@link Sleeper#SYSTEM}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Where the worker's meters go: the process's registry, which the management endpoint serves.
     * Default: a registry of the worker's own, which nobody scrapes (tests, benchmarks).
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meter registry");
      return this;
    }

    /**
     * One-click unsubscribe links (the config's {@code unsubscribe} section) on the mail that is not
     * critical; default none.
     */
    public Builder unsubscribe(UnsubscribeLinks unsubscribe) {
      this.unsubscribe = Objects.requireNonNull(unsubscribe, "unsubscribe links");
      return this;
    }

    /**
     * The keys the worker checks the signatures of the records it reads with, and signs its retry and wait
     * records with ({@code integrity} section); default {@link Keyring#off()}: nothing signed or checked.
     */
    public Builder integrity(Keyring integrity) {
      this.integrity = Objects.requireNonNull(integrity, "integrity");
      return this;
    }

    /** The Kafka clients' maker; unit tests of the loop pass Kafka's mock clients. */
    Builder clients(KafkaClients clients) {
      this.clients = Objects.requireNonNull(clients, "clients");
      return this;
    }

    public WorkerContext build() {
      return new WorkerContext(this);
    }
  }
}
