package dev.notifier.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Exercises one real in-JVM KRaft broker: topics, transactions and a stop/start on the same log dir. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaIntegrationTest {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().partitions(3).build().start();
        System.out.printf("EmbeddedKafka started in %d ms at %s%n",
                kafka.lastStartDuration().toMillis(), kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            long begin = System.nanoTime();
            kafka.close();
            kafka.close(); // idempotent
            System.out.printf("EmbeddedKafka closed in %d ms%n", (System.nanoTime() - begin) / 1_000_000);
            assertThat(kafka.logDir()).doesNotExist();
        }
    }

    @Test
    @Order(1)
    void createsTopicsWithDefaultPartitionsAndCompactedConfig() throws Exception {
        kafka.createTopics("plain-a", "plain-b");
        kafka.createTopic("compacted", 2, Map.of("cleanup.policy", "compact"));

        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(Set.of("plain-a", "plain-b", "compacted")).allTopicNames().get();
            assertThat(topics.get("plain-a").partitions()).hasSize(3);
            assertThat(topics.get("plain-b").partitions()).hasSize(3);
            assertThat(topics.get("compacted").partitions()).hasSize(2);
            assertThat(cleanupPolicy(admin, "compacted")).isEqualTo("compact");
            assertThat(cleanupPolicy(admin, "plain-a")).isEqualTo("delete");
        }
    }

    @Test
    @Order(2)
    void createTopicsAcceptsExistingTopic() {
        kafka.createTopics("plain-a");
    }

    @Test
    @Order(3)
    void transactionalProducerAndReadCommittedConsumerWork() {
        kafka.createTopics("tx");
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-test")) {
            producer.initTransactions();
            sendInTransaction(producer, "tx", "committed-", 10, true);
            sendInTransaction(producer, "tx", "aborted-", 5, false);
        }

        List<String> values = consume("tx", "tx-reader", 10);

        assertThat(values).hasSize(10).allMatch(v -> v.startsWith("committed-"));
    }

    @Test
    @Order(4)
    void stopAndStartKeepsRecords() {
        kafka.createTopic("durable", 1, Map.of());
        try (KafkaProducer<String, String> producer = plainProducer()) {
            IntStream.range(0, 20).forEach(i -> producer.send(new ProducerRecord<>("durable", "k" + i, "v" + i)));
            producer.flush();
        }

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.start();
        System.out.printf("EmbeddedKafka restarted in %d ms%n", kafka.lastStartDuration().toMillis());

        assertThat(consume("durable", "durable-reader", 20)).hasSize(20).startsWith("v0").endsWith("v19");
    }

    private static String cleanupPolicy(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get("cleanup.policy").value();
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String topic, String prefix,
                                          int count, boolean commit) {
        producer.beginTransaction();
        IntStream.range(0, count).forEach(i -> producer.send(new ProducerRecord<>(topic, "k" + i, prefix + i)));
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        Properties props = kafka.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static KafkaProducer<String, String> plainProducer() {
        Properties props = kafka.producerProps();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Reads at least {@code expected} values, or fails; then drains one more poll so extra records would show up. */
    private static List<String> consume(String topic, String groupId, int expected) {
        Properties props = kafka.consumerProps(groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Await.until(CONSUME_TIMEOUT, expected + " values from " + topic, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(500)).forEach((ConsumerRecord<String, String> r) -> values.add(r.value()));
        }
        return values;
    }
}
