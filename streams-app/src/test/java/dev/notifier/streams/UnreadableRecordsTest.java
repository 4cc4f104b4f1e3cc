package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.KafkaSchemaStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.junit.jupiter.api.Test;

class UnreadableRecordsTest {

  private final UnreadableRecords handler = new UnreadableRecords();
  private final ConsumerRecord<byte[], byte[]> record =
      new ConsumerRecord<>("notifier.suppressions", 0, 7L, "alice@example.com".getBytes(), new byte[] {(byte) 0xc3, 1});

  @Test
  void aRecordNoSchemaExplainsIsSkipped() {
    assertThat(handler.handleError(context(), record, new SerializationException("unknown fingerprint")).result())
        .isEqualTo(Result.RESUME);
  }

  @Test
  void aRecordWhoseSchemaCouldNotBeLookedUpStopsTheAppInsteadOfBeingSkipped() {
    Exception e = new SerializationException("cannot decode Suppression",
        new KafkaSchemaStore.Unavailable("the schema topic notifier.schemas could not be read", null));

    assertThat(handler.handleError(context(), record, e).result()).isEqualTo(Result.FAIL);
  }

  private static ErrorHandlerContext context() {
    return new UnwritableRecordsTest.Source();
  }
}
