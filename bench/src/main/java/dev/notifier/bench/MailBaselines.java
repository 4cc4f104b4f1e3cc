package dev.notifier.bench;

import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.MessageFactory;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.simplejavamail.api.email.Email;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;

/**
 * Baselines (b), (c) and (d) of the delivery scenario, with no Kafka: the same content (a message
 * built per send, as the worker does) to the same sink over the same number of connections.
 * (b) a bare Angus Mail loop, one thread per already-open {@link Transport}, whose message is built
 * by the worker's own {@link MessageFactory} (bodies encoded once into bytes: the fair limit of a
 * loop that does what the worker does, minus Kafka); (b′) the same loop building its bodies with
 * {@code setText}, the slow path most code takes; (c) Simple Java Mail with its batch module's
 * connection pool; (d) the naive {@link Transport#send} per message with {@code setText} bodies, a
 * new connection each time.
 */
final class MailBaselines {

  static {
    // The worker names Jakarta Mail's StreamProvider in this system property (SessionFactory): without
    // it every body part, multipart and encoded word costs a ServiceLoader scan of the class path.
    // The property is JVM-wide and the worker runs in this JVM, so set it before any baseline runs:
    // every sender here gets the same shortcut, whichever runs first.
    if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
      System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
  }

  static final String ANGUS = "bare Angus loop, pre-encoded (b)";
  static final String ANGUS_SET_TEXT = "bare Angus loop, setText (b′)";
  static final String SIMPLE_JAVA_MAIL = "Simple Java Mail + batch pool (c)";
  static final String NAIVE = "naive Transport.send, setText (d)";

  private final String host;
  private final int port;

  MailBaselines(String host, int port) {
    this.host = host;
    this.port = port;
  }

  Session session() {
    Properties props = new Properties();
    props.put("mail.transport.protocol", "smtp");
    props.put("mail.smtp.host", host);
    props.put("mail.smtp.port", String.valueOf(port));
    props.put("mail.smtp.localhost", "bench.local");
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "30000");
    return Session.getInstance(props);
  }

  static MimeMessage message(Session session, int i) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(MailContent.FROM));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(MailContent.TO));
    m.setSubject(MailContent.SUBJECT + " " + i, StandardCharsets.UTF_8.name());
    m.setSentDate(new Date());
    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart text = new MimeBodyPart();
    text.setText(MailContent.TEXT, StandardCharsets.UTF_8.name());
    MimeBodyPart html = new MimeBodyPart();
    html.setText(MailContent.HTML, StandardCharsets.UTF_8.name(), "html");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    m.setContent(alternative);
    m.saveChanges();
    return m;
  }

  /** What the fair loop (b) sends: message {@code i} built as the worker builds it. */
  static MimeMessage preEncoded(Session session, int i) throws MessagingException {
    try {
      return MessageFactory.build(session, MailContent.notification("angus", i, DeliveryScenario.ACCOUNT),
          MailContent.FROM);
    } catch (DeliveryException e) {
      throw new MessagingException(e.getMessage(), e);
    }
  }

  /** (b) the loop with the worker's pre-encoded message. */
  DeliveryRun angusLoop(int connections, int count, Duration cap) throws Exception {
    return angusLoop(ANGUS, connections, count, cap, MailBaselines::preEncoded);
  }

  /** (b′) the loop with {@code setText} bodies. */
  DeliveryRun angusSetText(int connections, int count, Duration cap) throws Exception {
    return angusLoop(ANGUS_SET_TEXT, connections, count, cap, MailBaselines::message);
  }

  /** Builds message {@code i} for {@code session}. */
  @FunctionalInterface
  interface MessageBuilder {
    MimeMessage build(Session session, int i) throws MessagingException;
  }

  /** {@code connections} threads, each sending over its own connection, opened before the clock starts. */
  private DeliveryRun angusLoop(String name, int connections, int count, Duration cap, MessageBuilder builder)
      throws Exception {
    Session session = session();
    List<Transport> transports = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Transport t = session.getTransport();
      t.connect();
      transports.add(t);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicLong sent = new AtomicLong();
    long deadline = System.nanoTime() + cap.toNanos();
    long cpu0 = Cpu.processNanos();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (Transport t : transports) {
      threads.add(start("bench-angus", () -> {
        try (t) {
          for (int i = next.getAndIncrement(); i < count && System.nanoTime() < deadline; i = next.getAndIncrement()) {
            MimeMessage m = builder.build(session, i);
            t.sendMessage(m, m.getAllRecipients());
            sent.incrementAndGet();
          }
        } catch (MessagingException e) {
          BenchMain.log("angus loop: %s", e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long nanos = System.nanoTime() - start;
    return new DeliveryRun(name, connections, sent.get(), count, Stats.rate(sent.get(), nanos),
        Cpu.processNanos() - cpu0);
  }

  /** (d) {@code connections} threads, each calling Transport.send (connect, EHLO, send, QUIT) per message. */
  DeliveryRun naive(int connections, int count, Duration cap) throws Exception {
    Session session = session();
    AtomicInteger next = new AtomicInteger();
    AtomicLong sent = new AtomicLong();
    long deadline = System.nanoTime() + cap.toNanos();
    long cpu0 = Cpu.processNanos();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      threads.add(start("bench-naive", () -> {
        try {
          for (int i = next.getAndIncrement(); i < count && System.nanoTime() < deadline; i = next.getAndIncrement()) {
            Transport.send(message(session, i));
            sent.incrementAndGet();
          }
        } catch (MessagingException e) {
          BenchMain.log("naive: %s", e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long nanos = System.nanoTime() - start;
    return new DeliveryRun(NAIVE, connections, sent.get(), count, Stats.rate(sent.get(), nanos),
        Cpu.processNanos() - cpu0);
  }

  /** (c) Simple Java Mail: a pool of {@code connections} connections and as many sending threads. */
  DeliveryRun simpleJavaMail(int connections, int count, Duration cap) throws Exception {
    Mailer mailer = MailerBuilder.withSMTPServer(host, port)
        .withTransportStrategy(TransportStrategy.SMTP)
        .withThreadPoolSize(connections)
        .withConnectionPoolCoreSize(connections)
        .withConnectionPoolMaxSize(connections)
        .withSessionTimeout(30_000)
        // its own pool: without a cluster key every Mailer shares the first one's global pool
        .withClusterKey(java.util.UUID.randomUUID())
        .buildMailer();
    // warm the pool: the other baselines open their connections before the clock starts too
    CompletableFuture.allOf(sendSome(mailer, connections)).get(30, TimeUnit.SECONDS);
    Semaphore inFlight = new Semaphore(connections * 4);
    AtomicLong sent = new AtomicLong();
    long deadline = System.nanoTime() + cap.toNanos();
    long cpu0 = Cpu.processNanos();
    long start = System.nanoTime();
    for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
      inFlight.acquire();
      mailer.sendMail(email(i), true).whenComplete((ok, error) -> {
        if (error == null) {
          sent.incrementAndGet();
        }
        inFlight.release();
      });
    }
    inFlight.acquire(connections * 4);
    long nanos = System.nanoTime() - start;
    long cpu = Cpu.processNanos() - cpu0;
    mailer.shutdownConnectionPool().get(30, TimeUnit.SECONDS);
    return new DeliveryRun(SIMPLE_JAVA_MAIL, connections, sent.get(), count,
        Stats.rate(sent.get(), nanos), cpu);
  }

  private static CompletableFuture<?>[] sendSome(Mailer mailer, int n) {
    CompletableFuture<?>[] futures = new CompletableFuture<?>[n];
    for (int i = 0; i < n; i++) {
      futures[i] = mailer.sendMail(email(-1 - i), true);
    }
    return futures;
  }

  private static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.start();
    return t;
  }

  static Email email(int i) {
    return EmailBuilder.startingBlank()
        .from(MailContent.FROM)
        .to(MailContent.TO)
        .withSubject(MailContent.SUBJECT + " " + i)
        .withPlainText(MailContent.TEXT)
        .withHTMLText(MailContent.HTML)
        .buildEmail();
  }
}
