package dev.notifier.cli.management;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams.State;

/**
 * The streams app's health from its Kafka Streams state: ready while RUNNING (not while starting,
 * restoring or rebalancing); live unless it failed or stopped (ERROR, PENDING_ERROR, NOT_RUNNING), the
 * states it does not leave by itself.
 */
public final class StreamsHealth implements Health {

  private static final Set<State> DEAD = EnumSet.of(State.ERROR, State.PENDING_ERROR, State.NOT_RUNNING);

  private final Supplier<State> state;

  /** @param state the current state, e.g. {@code app::state} */
  public StreamsHealth(Supplier<State> state) {
    this.state = state;
  }

  @Override
  public Status live() {
    State now = state.get();
    return DEAD.contains(now) ? Status.down("streams state " + now) : Status.up();
  }

  @Override
  public Status ready() {
    State now = state.get();
    return now == State.RUNNING ? Status.up() : Status.down("streams state " + now);
  }
}
