package dev.notifier.cli.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.User;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.InvalidRecordException;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.json.JsonRecords;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes JSON lines as events, users or groups. Every line is validated first; a bad line is
 * reported with its number and skipped, the good ones are sent. Events go out as their
 * {@link EventEncoder} writes them (JSON as given, Avro single-object, or the registry's wire format);
 * directory records go out as Avro.
 */
public final class Publisher implements AutoCloseable {

  private final ObjectMapper json = new ObjectMapper();
  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;

  public Publisher(Properties clientProperties, Topics topics) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    // upstream publishing: no duplicates from producer retries, durable on acknowledgement
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    this.topics = topics;
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** The result of publishing a file: how many lines went out, and what was wrong with the others. */
  public record Result(int published, List<String> errors) {
  }

  public Result publish(BufferedReader lines, RecordKind kind, boolean avro) throws IOException {
    return publish(lines, kind, avro ? EventEncoder.avro() : EventEncoder.json());
  }

  /** Publishes the lines, events written by {@code events} (directory records are always Avro). */
  public Result publish(BufferedReader lines, RecordKind kind, EventEncoder events) throws IOException {
    List<String> errors = new ArrayList<>();
    int published = 0;
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      try {
        producer.send(record(kind, line, events));
        published++;
      } catch (InvalidRecordException | IOException e) {
        errors.add("line " + number + ": " + e.getMessage());
      }
    }
    producer.flush();
    return new Result(published, errors);
  }

  /** Sends raw bytes to the events topic, as a misbehaving upstream system might. */
  public void publishRawEvent(String key, byte[] value) {
    producer.send(new ProducerRecord<>(topics.events().name(), key, value));
  }

  public void flush() {
    producer.flush();
  }

  private ProducerRecord<String, byte[]> record(RecordKind kind, String line, EventEncoder events)
      throws IOException {
    JsonNode node = json.readTree(line);
    switch (kind) {
      case USERS: {
        User user = JsonRecords.user(node);
        return new ProducerRecord<>(topics.users().name(), user.getUserId(),
            new AvroSerde<>(User.class, User.getClassSchema()).encode(user));
      }
      case GROUPS: {
        Group group = JsonRecords.group(node);
        return new ProducerRecord<>(topics.groups().name(), group.getGroupId(),
            new AvroSerde<>(Group.class, Group.getClassSchema()).encode(group));
      }
      default: {
        DomainEvent event = JsonRecords.event(node);
        return new ProducerRecord<>(topics.events().name(), event.getEventId(), events.encode(event, line));
      }
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
