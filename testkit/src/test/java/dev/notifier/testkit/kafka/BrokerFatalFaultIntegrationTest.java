package dev.notifier.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.testkit.Await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * A broker whose log directory fails asks Kafka to halt the JVM. In a test JVM that would kill every test class
 * running in it, and the build would report only a forked JVM that "terminated without saying goodbye". This
 * takes the broker's data directory away for real and checks that the JVM goes on and that the broker's
 * {@link EmbeddedKafka#stop()} names the fault. Without {@link BrokerExitGuard} this test's JVM halts.
 */
class BrokerFatalFaultIntegrationTest {

    @Test
    void aFailedLogDirectoryFailsStopNamingTheFaultInsteadOfHaltingTheJvm() throws IOException {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
        try {
            int mark = BrokerExitGuard.count();
            Path logDir = kafka.logDir();
            deleteTree(logDir);
            // a file where the broker's directory was: its checkpoints and new partitions cannot be written
            Files.writeString(logDir, "not a directory");
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic("after-the-fault", 1, (short) 1)));
            }

            Await.until(Duration.ofSeconds(60), "the broker's fatal fault",
                    () -> BrokerExitGuard.count() > mark);

            assertThat(BrokerExitGuard.since(mark).get(0)).contains("asked to halt the JVM with status 1");
            assertThatThrownBy(kafka::stop)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("had a fatal fault while it ran")
                    .hasMessageContaining("asked to halt the JVM with status 1");
            assertThat(kafka.isRunning()).isFalse();
        } finally {
            try {
                kafka.close();
            } catch (IllegalStateException fault) {
                // only when an assertion failed before stop(): close() would report the fault and hide that failure
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
