package dev.notifier.sender.doctor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The two steps below SMTP: resolving the host and opening a TCP connection to it. Both are
 * bounded by the check's time-out — a resolver that never answers is a field failure of its own —
 * and each failure is told apart by its exception: unknown host, refused, timed out, no route.
 */
final class NetworkProbe {

  private NetworkProbe() {
  }

  /** DNS: every address of {@code host}, in the order the JDK gives them (the worker uses the first). */
  static InetAddress[] resolve(String host, Duration timeout) throws StepFailure {
    FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(host));
    // InetAddress has no time-out of its own: look up on a daemon thread and stop waiting after the time-out
    Thread thread = new Thread(lookup, "smtp-check-dns");
    thread.setDaemon(true);
    thread.start();
    try {
      return lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      lookup.cancel(true);
      throw new StepFailure(host + " did not resolve within " + seconds(timeout) + ": the resolver did not answer",
          "dns-timeout", DoctorFixes.DNS_TIMEOUT);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      UnknownHostException unknown = cause instanceof UnknownHostException u ? u
          : (UnknownHostException) new UnknownHostException(host).initCause(cause);
      throw ReplyAdvice.failure("connect", null, unknown, host + " does not resolve (" + unknown + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure("interrupted while resolving " + host, "interrupted", "run the check again");
    }
  }

  /** What DNS found, for the report. */
  static String describe(String host, InetAddress[] addresses) {
    String list = Arrays.stream(addresses).map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    return CertificateFacts.isIpLiteral(host) ? host + " is an IP address: nothing to resolve" : host + " -> " + list;
  }

  /** TCP: a connected socket, its read time-out set, or the failure told apart by its kind. */
  static Socket connect(InetAddress address, int port, Duration timeout) throws StepFailure {
    String target = address.getHostAddress() + ":" + port;
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(address, port), Math.toIntExact(timeout.toMillis()));
      socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
      return socket;
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      throw new StepFailure("connect to " + target + " timed out after " + seconds(timeout)
          + ": no answer at all, not even a refusal", "connect-timeout", DoctorFixes.CONNECT_TIMEOUT);
    } catch (NoRouteToHostException e) {
      closeQuietly(socket);
      throw ReplyAdvice.failure("connect", null, e, "no route to " + target + " (" + e.getMessage() + ")");
    } catch (ConnectException e) {
      closeQuietly(socket);
      String message = String.valueOf(e.getMessage());
      if (message.toLowerCase(Locale.ROOT).contains("unreachable")) {
        NoRouteToHostException noRoute = new NoRouteToHostException(message);
        noRoute.initCause(e);
        throw ReplyAdvice.failure("connect", null, noRoute, target + " is unreachable (" + message + ")");
      }
      throw ReplyAdvice.failure("connect", null, e, "connection to " + target + " refused (" + message
          + "): nothing listens there, or a firewall rejects it");
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw ReplyAdvice.failure("connect", null, e, "cannot connect to " + target + ": " + ReplyAdvice.describe(e));
    }
  }

  static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // the probe is over; nothing more to say to this server
      }
    }
  }

  static String seconds(Duration timeout) {
    long millis = timeout.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
