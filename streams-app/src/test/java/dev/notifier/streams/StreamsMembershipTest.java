package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which failures of a stream thread the app explains (SessionRangeIntegrationTest: on a real broker). */
class StreamsMembershipTest {

  @Test
  void aRefusedSessionIsExplainedWithTheValueTheMainConsumerAskedForAndNothingElseIs() {
    Properties props = new Properties();
    props.put("session.timeout.ms", "6000");
    props.put("main.consumer.session.timeout.ms", "8000");
    StreamsException refused = new StreamsException(new InvalidSessionTimeoutException("not within the range"));

    assertThat(StreamsMembership.explain(refused, props)).hasValueSatisfying(why -> assertThat(why)
        .contains("session time-out of 8000 ms", "session.timeout.ms under kafka.properties"));
    assertThat(StreamsMembership.explain(new StreamsException("a processor failed"), props)).isEmpty();
  }
}
