package dev.notifier.bench;

import dev.notifier.testkit.net.FreePorts;
import dev.notifier.testkit.net.LatencyProxy;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * Messages the sink has accepted since it started (the end of DATA answered). The delivery
   * scenario counts a run's mail here, where it arrives, not by what the sender committed.
   */
  abstract long received();

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

  /**
   * Postfix's smtp-sink as a child process, with a listen backlog of 256 and {@code -c}: it prints
   * running counters ({@code sess=… quit=… mesg=…}, carriage-return separated) whenever a message
   * ends, which a reader thread follows.
   */
  static final class Postfix extends Sink {
    private static final Pattern MESSAGES = Pattern.compile("mesg=(\\d+)");
    private final Process process;
    private final int port;
    private final AtomicLong received = new AtomicLong();

    Postfix() throws IOException {
      this.port = FreePorts.distinct(1)[0];
      List<String> command = new java.util.ArrayList<>(List.of(SMTP_SINK.toString(), "-c"));
      if ("root".equals(System.getProperty("user.name"))) {
        // smtp-sink refuses to run as root; it drops to this user after binding
        command.addAll(List.of("-u", "nobody"));
      }
      command.addAll(List.of("127.0.0.1:" + port, "256"));
      this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
      Thread counter = new Thread(this::readCounters, "bench-smtp-sink-counter");
      counter.setDaemon(true);
      counter.start();
      awaitListening(port, Duration.ofSeconds(10));
    }

    private void readCounters() {
      try (InputStream in = process.getInputStream()) {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
          if (c != '\r' && c != '\n') {
            line.append((char) c);
            continue;
          }
          Matcher m = MESSAGES.matcher(line);
          if (m.find()) {
            received.set(Long.parseLong(m.group(1)));
          }
          line.setLength(0);
        }
      } catch (IOException | NumberFormatException ignored) {
        // the sink stopped; the count so far stands
      }
    }

    @Override
    long received() {
      return received.get();
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
    long received() {
      return server.messageCount();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /**
   * This sink seen through {@code proxy} (a {@link LatencyProxy} in front of it): senders connect to
   * the proxy, the mail is counted where it arrives.
   */
  Sink through(LatencyProxy proxy) {
    Sink real = this;
    return new Sink() {
      @Override
      String kind() {
        return real.kind() + " behind a latency proxy";
      }

      @Override
      String host() {
        return proxy.host();
      }

      @Override
      int port() {
        return proxy.port();
      }

      @Override
      long received() {
        return real.received();
      }

      @Override
      public void close() {
        proxy.close();
      }
    };
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
