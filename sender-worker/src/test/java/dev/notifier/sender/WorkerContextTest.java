package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a worker runs with when the caller says nothing but the settings, and what it refuses. */
class WorkerContextTest {

  private final KafkaSettings kafka = KafkaSettings.of("localhost:9092");
  private final WorkerSettings settings = new WorkerSettings("senders", "w1", Duration.ofMillis(100),
      List.of(AccountSettings.local("default", "127.0.0.1", 2525, WorkerHarness.FROM)));

  @Test
  void everythingButTheSettingsHasADefault() {
    WorkerContext context = WorkerContext.builder(kafka, settings).build();

    assertThat(context.kafka()).isSameAs(kafka);
    assertThat(context.settings()).isSameAs(settings);
    assertThat(context.clock()).isEqualTo(Clock.systemUTC());
    assertThat(context.env().apply("PATH")).isEqualTo(System.getenv("PATH"));
    assertThat(context.sleeper()).isSameAs(Sleeper.SYSTEM);
    assertThat(context.meterRegistry()).isInstanceOf(SimpleMeterRegistry.class);
    assertThat(context.clients()).isSameAs(KafkaClients.KAFKA);
  }

  @Test
  void whatIsSetIsKept() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Sleeper sleeper = duration -> { };
    Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    WorkerContext context = WorkerContext.builder(kafka, settings).clock(clock).env(name -> "secret")
        .sleeper(sleeper).meterRegistry(registry).build();

    assertThat(context.clock()).isSameAs(clock);
    assertThat(context.env().apply("ANY")).isEqualTo("secret");
    assertThat(context.sleeper()).isSameAs(sleeper);
    assertThat(context.meterRegistry()).isSameAs(registry);
  }

  @Test
  void nullIsRefusedByName() {
    assertThatNullPointerException().isThrownBy(() -> WorkerContext.builder(null, settings))
        .withMessage("kafka settings");
    assertThatNullPointerException().isThrownBy(() -> WorkerContext.builder(kafka, settings).clock(null))
        .withMessage("clock");
    assertThatNullPointerException().isThrownBy(() -> WorkerContext.builder(kafka, settings).meterRegistry(null))
        .withMessage("meter registry");
  }
}
