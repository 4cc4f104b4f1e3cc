package dev.notifier.testkit.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafka} broker as its own OS process, e.g. for the demo or for scenarios that kill
 * and restart the broker.
 *
 * <p>Arguments (all optional): {@code --port N --controller-port N --log-dir DIR --partitions N}. When the broker
 * is ready, exactly one line {@code BOOTSTRAP=127.0.0.1:port} is printed to stdout; the process then runs until
 * it is killed, and a shutdown hook closes the broker (SIGTERM gives a clean shutdown, SIGKILL a crash).
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream stdout = reserveStdout();
        EmbeddedKafka kafka = parse(args).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        kafka.start();
        stdout.println("BOOTSTRAP=" + kafka.bootstrapServers());
        stdout.flush();
        stopped.await();
    }

    /**
     * Keeps the real stdout for the BOOTSTRAP line and points {@code System.out} at stderr, so console log output
     * (e.g. logback without configuration logs everything to {@code System.out}) cannot pollute stdout.
     */
    private static PrintStream reserveStdout() {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        return stdout;
    }

    static EmbeddedKafka.Builder parse(String[] args) {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder().exitJvmOnFatalFault();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw usage("missing value for " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--port" -> builder.port(Integer.parseInt(value));
                case "--controller-port" -> builder.controllerPort(Integer.parseInt(value));
                case "--log-dir" -> builder.logDir(Path.of(value));
                case "--partitions" -> builder.partitions(Integer.parseInt(value));
                default -> throw usage("unknown option " + name);
            }
        }
        return builder;
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem
                + "; usage: EmbeddedKafkaMain [--port N] [--controller-port N] [--log-dir DIR] [--partitions N]");
    }
}
