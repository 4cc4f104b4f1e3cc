package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the ledger counts reservations read from the usage topic, and recognises this worker's own. */
class QuotaLedgerTest {

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant LATEST = T0.plus(Duration.ofMinutes(10));
  private final QuotaLedger ledger = new QuotaLedger();

  private int usedInMinuteAt(Instant now) {
    return ledger.used("acct", Set.of(0), now.minus(MINUTE));
  }

  @Test
  void aReservationNothingSettlesCountsUntilAWindowAfterTheLatestMomentItsServerCouldTakeTheMail() {
    ledger.reserved("acct", 0, "n1", "killed", T0, LATEST);

    assertThat(usedInMinuteAt(T0)).isEqualTo(1);
    assertThat(usedInMinuteAt(T0.plus(Duration.ofMinutes(5)))).as("a minute-long window long after").isEqualTo(1);
    assertThat(usedInMinuteAt(LATEST.plus(MINUTE).minusMillis(1))).isEqualTo(1);
    assertThat(usedInMinuteAt(LATEST.plus(MINUTE).plusMillis(1))).isZero();
  }

  @Test
  void anAcceptedRecordMovesItsReservationToWhenTheServerTookTheMail() {
    ledger.reserved("acct", 0, "n1", "w", T0, LATEST);
    Instant taken = T0.plusMillis(300);

    ledger.accepted("acct", 0, "n1", "w", taken, T0);

    assertThat(usedInMinuteAt(taken)).isEqualTo(1);
    assertThat(usedInMinuteAt(taken.plus(MINUTE).plusMillis(1))).as("counted once, at its acceptance").isZero();
  }

  @Test
  void aReleasedRecordStopsItsReservationCountingAndSettlesNoOther() {
    ledger.reserved("acct", 0, "n1", "w", T0, LATEST);
    ledger.reserved("acct", 0, "n1", "w", T0.plusSeconds(1), LATEST.plusSeconds(1)); // a later attempt

    ledger.released("acct", "n1", "w", T0);
    ledger.released("acct", "n2", "w", T0.plusSeconds(1)); // another mail's: settles nothing here

    assertThat(usedInMinuteAt(T0.plusSeconds(2))).isEqualTo(1);
    ledger.released("acct", "n1", "w", T0.plusSeconds(1));
    assertThat(usedInMinuteAt(T0.plusSeconds(2))).isZero();
  }

  @Test
  void anAcceptedRecordOfAnEarlierReleaseCountsAtItsAcceptance() {
    ledger.add("acct", 0, "n1", "old", T0);
    ledger.accepted("acct", 0, "n2", "w", T0, T0.minusSeconds(1)); // its reservation was before the day read

    assertThat(usedInMinuteAt(T0)).isEqualTo(2);
    assertThat(usedInMinuteAt(T0.plus(MINUTE).plusMillis(1))).isZero();
  }

  @Test
  void thisWorkersOwnRecordsComingBackAreNotCountedAgainButAnEarlierRunsAre() {
    Instant taken = T0.plusMillis(200);
    ledger.ownReserved("w", "n1", T0);
    ledger.addOwn("acct", 0, "n1", "w", taken); // the throttle counts its own send when it ends
    ledger.ownReserved("w", "n2", T0);
    ledger.ownReleased("w", "n2", T0);

    ledger.reserved("acct", 0, "n1", "w", T0, LATEST);
    ledger.accepted("acct", 0, "n1", "w", taken, T0);
    ledger.reserved("acct", 0, "n2", "w", T0, LATEST);
    ledger.released("acct", "n2", "w", T0);
    assertThat(usedInMinuteAt(taken)).as("n1 once, n2 not at all").isEqualTo(1);

    // a worker restarted under the same id reads what its killed run reserved: that counts
    ledger.reserved("acct", 0, "n3", "w", T0, LATEST);
    assertThat(usedInMinuteAt(taken)).isEqualTo(2);
  }

  @Test
  void aReservationsExcessOverItsPartitionsPartIsSeenAfterTheTopicGrows() {
    Quota perMinute = new Quota("perMinute", 2, MINUTE);
    ledger.add("acct", 0, "n1", "w", T0);
    ledger.reserved("acct", 0, "n2", "killed", T0, LATEST);

    QuotaLedger.Excess excess = ledger.excess("acct", perMinute, 2, T0.plusSeconds(1));

    assertThat(excess.messages()).as("2 counted against a part of 1").isEqualTo(1);
    assertThat(excess.eases()).isEqualTo(T0.plus(MINUTE));
  }
}
