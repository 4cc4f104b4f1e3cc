package dev.notifier.bench;

import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP server the delivery scenarios send to, on 127.0.0.1: Postfix's {@code smtp-sink} (an
 * event-driven C server that accepts and discards mail, so the client is what is measured), or the
 * testkit's {@link ScriptableSmtpServer} when smtp-sink is not installed.
 */
abstract class Sink implements AutoCloseable {

  static final Path SMTP_SINK = Path.of("/usr/sbin/smtp-sink");
  static final Path SMTP_SOURCE = Path.of("/usr/sbin/smtp-source");

  abstract String kind();

  abstract int port();

  String host() {
    return "127.0.0.1";
  }

  @Override
  public abstract void close();

  static boolean postfixAvailable() {
    return Files.isExecutable(SMTP_SINK) && Files.isExecutable(SMTP_SOURCE);
  }

  /** Opens the sink {@code mode} asks for: auto (smtp-sink if installed), postfix, or testkit. */
  static Sink open(String mode) throws IOException {
    boolean postfix = switch (mode) {
      case "postfix" -> true;
      case "testkit" -> false;
      default -> postfixAvailable();
    };
    return postfix ? new Postfix() : new Testkit();
  }

  /** Postfix's smtp-sink as a child process, with a listen backlog of 256. */
  static final class Postfix extends Sink {
    private final Process process;
    private final int port;

    Postfix() throws IOException {
      this.port = freePort();
      List<String> command = new java.util.ArrayList<>(List.of(SMTP_SINK.toString()));
      if ("root".equals(System.getProperty("user.name"))) {
        // smtp-sink refuses to run as root; it drops to this user after binding
        command.addAll(List.of("-u", "nobody"));
      }
      command.addAll(List.of("127.0.0.1:" + port, "256"));
      this.process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      awaitListening(port, Duration.ofSeconds(10));
    }

    @Override
    String kind() {
      return "postfix smtp-sink";
    }

    @Override
    int port() {
      return port;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The testkit server: Java, a thread per connection, keeps every message (and its receive time). */
  static final class Testkit extends Sink {
    final ScriptableSmtpServer server;

    Testkit() {
      this.server = ScriptableSmtpServer.builder().build().start();
    }

    @Override
    String kind() {
      return "testkit ScriptableSmtpServer (smtp-sink not installed)";
    }

    @Override
    int port() {
      return server.port();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static void awaitListening(int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("smtp-sink did not listen on 127.0.0.1:" + port + " within " + timeout, e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", ie);
        }
      }
    }
  }
}
