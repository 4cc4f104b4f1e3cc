package dev.notifier.sender.doctor;

import dev.notifier.sender.config.AccountSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Checks that an account can deliver mail, one layer at a time, and says at which {@link Step} it
 * cannot and what to do about it: DNS, TCP, TLS (implicit or STARTTLS: mode, certificate chain,
 * dates, host name), EHLO, AUTH, MAIL FROM, RCPT TO (with a recipient) and DATA (when asked to send
 * a test message). The check stops at the first failing step; the later ones are reported as skipped.
 *
 * <p>DNS, TCP and TLS are probed on plain sockets, because only there can a resolver that hangs, a
 * refused and a dropped connect, or a TLS mode that does not fit the port be told apart. The SMTP
 * steps go through Angus Mail over the worker's own session, so a passing check means the worker
 * connects the same way. A failure is explained by the worker's reply table
 * ({@link dev.notifier.sender.retry.ReplyClassifier#defaults()}) — the same kind code and fix as a
 * dead letter would carry — and by the doctor's own fixes only for what lies below SMTP
 * ({@link DoctorFixes}).
 *
 * <p>Every network wait is bounded by the request's time-out. The password is read when AUTH runs
 * and never appears in the report: the transcript masks AUTH payloads and the password in any form.
 */
public final class SmtpDoctor {

  private final Function<String, String> env;
  private final Clock clock;
  private final LongSupplier nanoTime;

  /** A doctor reading passwords through {@code env} (e.g. {@code System::getenv}), on the system clock. */
  public SmtpDoctor(Function<String, String> env) {
    this(env, Clock.systemUTC(), System::nanoTime);
  }

  /**
   * @param env looks up environment variables, for {@code passwordEnv}
   * @param clock tells a certificate's days left and stamps the test message
   * @param nanoTime measures how long each step took
   */
  public SmtpDoctor(Function<String, String> env, Clock clock, LongSupplier nanoTime) {
    this.env = Objects.requireNonNull(env, "env");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Runs the check; never throws for what it finds, only reports it. */
  public CheckReport check(CheckRequest request) {
    AccountSettings account = withTimeouts(request.account(), request.timeout());
    MaskingTranscript transcript = new MaskingTranscript();
    List<StepResult> results = new ArrayList<>();
    try (CheckRun run = new CheckRun(account, request, env, clock, transcript)) {
      Step failed = null;
      for (Step step : Step.values()) {
        String skip = failed != null ? "not run: " + failed + " failed" : run.notRequested(step);
        if (skip != null) {
          results.add(StepResult.skipped(step, skip));
          continue;
        }
        long start = nanoTime.getAsLong();
        try {
          results.add(StepResult.passed(step, run.run(step), since(start)));
        } catch (StepFailure failure) {
          results.add(StepResult.failed(step, failure, since(start)));
          failed = step;
        }
      }
    }
    return new CheckReport(account, results, transcript.lines());
  }

  private Duration since(long start) {
    return Duration.ofNanos(nanoTime.getAsLong() - start);
  }

  /** {@code a} with the check's time-out as connect and read time-out: a check is bounded by its own. */
  static AccountSettings withTimeouts(AccountSettings a, Duration timeout) {
    return new AccountSettings(a.id(), a.host(), a.port(), a.security(), a.from(), a.username(), a.passwordEnv(),
        a.passwordFile(), a.ehloName(), timeout, timeout, a.teams(), a.systemDefault(), a.enabled(), a.preset(),
        a.checkServerIdentity(), a.trustCertificate(), a.poolSize(), a.limits())
        .withPlaintextAuth(a.allowPlaintextAuth()).withReturnPath(a.returnPath());
  }
}
