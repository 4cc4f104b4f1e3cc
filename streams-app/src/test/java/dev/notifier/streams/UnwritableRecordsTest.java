package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.config.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnwritableRecordsTest {

  private final UnwritableRecords handler = new UnwritableRecords();
  private final ErrorHandlerContext context = new Source();
  private final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("notifier.send",
      "n-1".getBytes(StandardCharsets.UTF_8), new byte[2_000_000]);

  @Test
  void aRecordTheBrokerRefusesIsDroppedSoTheAppGoesOn() {
    assertThat(handler.handleError(context, record, new RecordTooLargeException("too large")).result())
        .isEqualTo(Result.RESUME);
    assertThat(handler.handleError(context, record, new InvalidRecordException("invalid")).result())
        .isEqualTo(Result.RESUME);
    assertThat(handler.handleSerializationError(context, record, new IllegalStateException("no"),
        SerializationExceptionOrigin.VALUE).result()).isEqualTo(Result.RESUME);
  }

  @Test
  void aFailureThatIsNotTheRecordsStopsTheApp() {
    assertThat(handler.handleError(context, record, new TopicAuthorizationException("denied")).result())
        .isEqualTo(Result.FAIL);
  }

  @Test
  void theAppIsConfiguredWithIt(@TempDir Path dir) {
    Properties props = StreamsApp.properties(new KafkaSettings("localhost:9092", "", Map.of()),
        StreamsSettings.defaults().withStateDir(dir.toString()));

    assertThat(props.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(UnwritableRecords.class.getName());
    assertThat(props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(UnreadableRecords.class.getName());
  }

  /** The input record an output record came from, as Kafka Streams describes it (also {@link UnreadableRecordsTest}'s). */
  static final class Source implements ErrorHandlerContext {
    @Override
    public String topic() {
      return "notifier.events";
    }

    @Override
    public int partition() {
      return 2;
    }

    @Override
    public long offset() {
      return 41;
    }

    @Override
    public Headers headers() {
      return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
      return "render";
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, 2);
    }

    @Override
    public long timestamp() {
      return 0;
    }

    @Override
    public byte[] sourceRawKey() {
      return null;
    }

    @Override
    public byte[] sourceRawValue() {
      return null;
    }
  }
}
