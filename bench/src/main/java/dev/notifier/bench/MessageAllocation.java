package dev.notifier.bench;

import dev.notifier.avro.Notification;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.smtp.MessageFactory;
import dev.notifier.sender.smtp.SessionFactory;
import jakarta.mail.Session;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;

/**
 * How much heap the worker allocates to build one delivery scenario message and write it as it goes
 * on the wire (to a stream that drops it), on one thread, measured by the JVM's count of the bytes
 * that thread allocated. At full rate, what the worker allocates per message sets how often its
 * collector runs, and in a container (the serial collector) how soon mail still in flight is
 * promoted and the old generation fills.
 */
final class MessageAllocation {

  private static final int MESSAGES = 20_000;

  private MessageAllocation() {
  }

  /** Bytes allocated per message, after as many unmeasured messages have run the code compiled. */
  static double bytesPerMessage() throws Exception {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    // the worker's own session, which names Jakarta Mail's stream provider as the worker does
    Session session = SessionFactory.session(AccountSettings.local(DeliveryScenario.ACCOUNT, "127.0.0.1", 25,
        MailContent.FROM));
    Notification[] notifications = new Notification[MESSAGES];
    for (int i = 0; i < MESSAGES; i++) {
      notifications[i] = MailContent.notification("allocation", i, DeliveryScenario.ACCOUNT);
    }
    buildAndWrite(session, notifications);
    long before = threads.getCurrentThreadAllocatedBytes();
    buildAndWrite(session, notifications);
    return (double) (threads.getCurrentThreadAllocatedBytes() - before) / MESSAGES;
  }

  private static void buildAndWrite(Session session, Notification[] notifications) throws Exception {
    for (Notification n : notifications) {
      MessageFactory.build(session, n, MailContent.FROM).writeTo(OutputStream.nullOutputStream());
    }
  }
}
