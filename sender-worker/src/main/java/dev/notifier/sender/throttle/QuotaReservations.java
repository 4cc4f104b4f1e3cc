package dev.notifier.sender.throttle;

import dev.notifier.avro.QuotaUsage;
import dev.notifier.avro.UsageKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every send of an account with a per-minute or per-day quota on the usage topic before it starts, and
 * waits for the broker's acknowledgement: a worker killed after the server took a message but before its usage
 * record was written leaves the message counted, by every worker that reads the topic ({@link QuotaLedger}).
 *
 * <p>A reservation names the latest moment the server could take the mail: its time, plus {@link #ACK_WAIT} (the
 * send starts only once the reservation is acknowledged, within that wait), plus the longest the attempt may take
 * by the account's time-outs. What nothing settles counts at that moment, so it stays in every window the
 * server's acceptance could be in. An outcome settles it: ACCEPTED with the status record of a sent mail (the
 * caller's write), ACCEPTED at the end of the wait for an outcome left unknown ({@link #unknown}), RELEASED when
 * the server certainly did not take it ({@link #release}). The last two are not waited for: if one is lost, the
 * reservation counts as it is, which is never less than the truth.
 */
public final class QuotaReservations implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QuotaReservations.class);

  /** How long a send waits for its reservation to be acknowledged; past that it does not start. */
  public static final Duration ACK_WAIT = Duration.ofSeconds(10);

  private final Producer<String, Object> producer;
  private final String topic;
  private final String workerId;
  private final QuotaLedger ledger;
  private final Clock clock;

  /** @param producer writes {@link QuotaUsage} records to {@code topic}; this class closes it */
  public QuotaReservations(Producer<String, Object> producer, String topic, String workerId, QuotaLedger ledger,
      Clock clock) {
    this.producer = producer;
    this.topic = topic;
    this.workerId = workerId;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** One send to reserve: the notification and the send partition it belongs to. */
  public record Send(int partition, String notificationId) {
  }

  /** A send reserved at {@code at}; the server cannot take it after {@code latest}. */
  public record Reservation(String account, int partition, String notificationId, Instant at, Instant latest) {
  }

  /**
   * Starts reserving each of {@code sends} of {@code account}, which may take up to {@code longest} once started:
   * the records are on their way; {@link Pending#await} says when they are acknowledged. The caller prepares its
   * messages meanwhile.
   */
  public Pending start(String account, List<Send> sends, Duration longest) {
    Instant at = clock.instant();
    Instant latest = at.plus(ACK_WAIT).plus(longest);
    List<Reservation> reservations = new ArrayList<>(sends.size());
    List<Future<RecordMetadata>> acks = new ArrayList<>(sends.size());
    try {
      for (Send send : sends) {
        Reservation r = new Reservation(account, send.partition(), send.notificationId(), at, latest);
        ledger.ownReserved(workerId, r.notificationId(), at);
        acks.add(producer.send(record(r, UsageKind.RESERVED, latest)));
        reservations.add(r);
      }
    } catch (RuntimeException e) {
      return new Pending(account, reservations, acks, e);
    }
    return new Pending(account, reservations, acks, null);
  }

  /** Reservations on their way to the broker. */
  public static final class Pending {

    private final String account;
    private final List<Reservation> reservations;
    private final List<Future<RecordMetadata>> acks;
    private final RuntimeException failed;

    private Pending(String account, List<Reservation> reservations, List<Future<RecordMetadata>> acks,
        RuntimeException failed) {
      this.account = account;
      this.reservations = reservations;
      this.acks = acks;
      this.failed = failed;
    }

    /**
     * The reservations, in the order of the sends, once every one is acknowledged.
     *
     * @throws ReservationFailedException when one was refused or is not acknowledged within {@link #ACK_WAIT}:
     *     nothing may be sent
     */
    public List<Reservation> await() throws ReservationFailedException {
      if (failed != null) {
        throw new ReservationFailedException(account, failed);
      }
      try {
        long deadline = System.nanoTime() + ACK_WAIT.toNanos();
        for (Future<RecordMetadata> ack : acks) {
          ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReservationFailedException(account, e);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        throw new ReservationFailedException(account, e instanceof ExecutionException ? e.getCause() : e);
      }
      return reservations;
    }
  }

  /** The server certainly did not take the reserved send: it stops counting. */
  public void release(Reservation r) {
    ledger.ownReleased(workerId, r.notificationId(), r.at());
    write(r, UsageKind.RELEASED, r.at());
  }

  /**
   * No reply came to the end of data of the reserved send, and the wait for it ended at {@code endedAt}: the
   * server may have taken it then at the latest, so it counts at {@code endedAt} (this worker's throttle has
   * counted it so, {@link AccountThrottle#ended}).
   */
  public void unknown(Reservation r, Instant endedAt) {
    write(r, UsageKind.ACCEPTED, endedAt);
  }

  private void write(Reservation r, UsageKind kind, Instant at) {
    try {
      producer.send(record(r, kind, at), (metadata, error) -> {
        if (error != null) {
          notWritten(r, kind, error);
        }
      });
    } catch (RuntimeException e) {
      notWritten(r, kind, e);
    }
  }

  private static void notWritten(Reservation r, UsageKind kind, Exception error) {
    LOG.warn("the {} usage record of {} on account {} was not written ({}); its reservation counts as made", kind,
        r.notificationId(), r.account(), error.toString());
  }

  private ProducerRecord<String, Object> record(Reservation r, UsageKind kind, Instant at) {
    return UsageRecords.of(topic, r.account(), r.notificationId(), r.partition(), workerId, kind, at, r.at());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** A reservation was not acknowledged: the sends it was for must not start. */
  public static final class ReservationFailedException extends Exception {
    ReservationFailedException(String account, Throwable cause) {
      super("the quota usage of account " + account + " could not be reserved before sending (" + cause + ")", cause);
    }
  }
}
