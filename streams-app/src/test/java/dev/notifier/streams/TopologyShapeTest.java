package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.Topics;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The two hops of the topology are apart: the events and the by-recipient repartition topic are read
 * by different sub-topologies. Were they one (a merge of streams from both sides of the repartition
 * joins them), every task would read an events partition and a repartition partition together, in
 * timestamp order, and wait for records of the one hop the other had not committed yet: the benchmark
 * measured the notifier at a fraction of its same-shape baseline that way.
 */
class TopologyShapeTest {

  @Test
  void eventsAndTheRepartitionTopicAreReadBySeparateSubTopologies() {
    StreamsBuilder builder = new StreamsBuilder();
    NotifierTopology.buildTopology(builder, TopologySettings.defaults(Topics.standard(), "default"));
    TopologyDescription description = builder.build().describe();

    List<Set<String>> sourcesBySubTopology = description.subtopologies().stream()
        .map(s -> s.nodes().stream().filter(n -> n instanceof TopologyDescription.Source)
            .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream())
            .collect(java.util.stream.Collectors.toSet()))
        .toList();

    Set<String> events = sourcesBySubTopology.stream().filter(t -> t.contains("notifier.events")).findFirst()
        .orElseThrow();
    assertThat(events).as("the sub-topology reading the events").containsExactly("notifier.events");
    assertThat(sourcesBySubTopology).as("a sub-topology reads only the policy stage's repartition topic")
        .contains(Set.of("by-recipient-repartition"));
  }

  /**
   * Mail that needs no state of its recipient (no digest, quiet hours or cap) is rendered and written
   * to the send topic by the sub-topology that reads the events, in the same transaction: one commit
   * to wait for instead of two (the end-to-end latency benchmark's "no recipient policy" rows).
   */
  @Test
  void theEventsSubTopologyWritesMailThatNeedsNoRecipientStateToTheSendTopic() {
    StreamsBuilder builder = new StreamsBuilder();
    NotifierTopology.buildTopology(builder, TopologySettings.defaults(Topics.standard(), "default"));
    TopologyDescription.Subtopology events = builder.build().describe().subtopologies().stream()
        .filter(s -> s.nodes().stream().anyMatch(n -> n instanceof TopologyDescription.Source source
            && source.topicSet().contains("notifier.events")))
        .findFirst().orElseThrow();

    assertThat(events.nodes().stream().filter(n -> n instanceof TopologyDescription.Sink)
        .map(n -> ((TopologyDescription.Sink) n).topic()))
        .contains("notifier.send", "by-recipient-repartition");
  }
}
