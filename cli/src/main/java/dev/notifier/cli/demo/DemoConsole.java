package dev.notifier.cli.demo;

import dev.notifier.cli.console.ConsoleServer;
import dev.notifier.cli.console.ConsoleSettings;
import dev.notifier.cli.console.ConsoleUser;
import dev.notifier.cli.console.Passwords;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.WorkerSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/** The console of {@code notifier demo --keep-running}: one user, demo, with a password made for this run. */
final class DemoConsole {

  private DemoConsole() {
  }

  static String password() {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** @param managementPort the demo's management port (its workers' meters), or -1 without one */
  static ConsoleServer start(String bootstrap, String password, int managementPort) {
    ConsoleSettings settings = new ConsoleSettings("127.0.0.1", 0,
        List.of(new ConsoleUser.Configured("demo", Passwords.hash(password.toCharArray()), "replayer")), null, null,
        managementPort > 0 ? List.of("http://127.0.0.1:" + managementPort) : List.of());
    KafkaSettings kafka = KafkaSettings.of(bootstrap);
    // the demo writes single-object statuses: it configures no schema registry
    return ConsoleServer.start(settings, kafka, kafka.topics(), account -> "noreply@notifier.demo",
        Clock.systemUTC()).groups(Demo.APPLICATION_ID, WorkerSettings.DEFAULT_GROUP_ID);
  }
}
