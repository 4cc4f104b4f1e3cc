package dev.notifier.streams.policy;

import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.metrics.TopologyMetrics;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The policy stage of mail that needs no state of its recipient ({@link Policies#needsRecipientState}):
 * released at once, with its priority and expiry, as {@link PolicyProcessor} would release it — but
 * in the event's own task, without the repartition by recipient and the second transaction that
 * mail behind it waits for. "Now" is the stream time's wall clock, as there; the time since the
 * event's record timestamp is counted ({@link TopologyMetrics#RELEASE_DELAY}).
 */
public final class ReleaseNow implements FixedKeyProcessor<String, Candidate, Release> {

  private final Policies policies;
  private final TopologyMetrics metrics;
  private FixedKeyProcessorContext<String, Release> context;

  public ReleaseNow(Policies policies, TopologyMetrics metrics) {
    this.policies = policies;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Release> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Candidate> record) {
    Candidate c = record.value();
    Policy policy = policies.of(c);
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    metrics.released(policy.priority(), Duration.ofMillis(now.toEpochMilli() - record.timestamp()));
    context.forward(record.withValue(new Release(c, policy.priority(), now, now.plus(policy.expiresAfter())))
        .withTimestamp(now.toEpochMilli()));
  }
}
