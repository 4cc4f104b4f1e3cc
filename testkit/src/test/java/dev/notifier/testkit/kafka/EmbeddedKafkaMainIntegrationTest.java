package dev.notifier.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.ChildTemp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link EmbeddedKafkaMain} as a child process, kills it hard and restarts it on the same log dir. */
class EmbeddedKafkaMainIntegrationTest {

    @TempDir
    Path logDir;

    @Test
    void printsBootstrapLineAndSurvivesKillAndRestart() throws Exception {
        Process first = launch();
        String bootstrap = readBootstrap(first);
        TopicPartition tp = new TopicPartition("proc", 0);
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
            EmbeddedKafka.awaitPartitionsWritable(admin, List.of(tp.topic()));
        }
        produce(bootstrap, tp.topic(), 5);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        Process second = launch();
        try {
            String again = readBootstrap(second);
            try (Admin admin = admin(again)) {
                long end = admin.listOffsets(java.util.Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
                assertThat(end).isEqualTo(5);
            }
            second.destroy(); // SIGTERM: shutdown hook closes the broker cleanly
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            second.destroyForcibly();
        }
    }

    private Process launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ChildTemp.jvmOption(), "-cp", System.getProperty("java.class.path"),
                EmbeddedKafkaMain.class.getName(),
                "--log-dir", logDir.toString(), "--partitions", "2"));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The process must print exactly one stdout line, BOOTSTRAP=host:port, once ready. */
    private static String readBootstrap(Process process) throws IOException {
        BufferedReader stdout = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = stdout.readLine();
        assertThat(line).matches("BOOTSTRAP=127\\.0\\.0\\.1:\\d+");
        return line.substring("BOOTSTRAP=".length());
    }

    private static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(props);
    }

    private static void produce(String bootstrap, String topic, int count) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }
}
