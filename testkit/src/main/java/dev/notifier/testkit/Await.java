package dev.notifier.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The one way our tests wait for something to happen: Awaitility polls a condition until it holds,
 * or the wait fails with an {@link AssertionError} that names what was awaited (and, for
 * {@link #forValue}, the last value read, unless that was null).
 *
 * <p>The first check is immediate, then one every {@link #POLL}, or at the slower pace a caller
 * passes for a costly read (a whole topic). Conditions run on the calling thread, as the loops this
 * replaced did: they may use a Kafka client that thread owns, and a timeout never leaves an
 * evaluation running behind the test. An exception a condition throws ends the wait at once (a
 * process that died will not print its line); uncaught exceptions of other threads are not the
 * wait's business.
 *
 * <p>Awaitility is an optional dependency of the testkit: a module that waits declares it with test
 * scope, so the CLI's image (which runs the testkit's embedded broker for its demo) stays without it.
 */
public final class Await {

    /** How often a condition is checked unless the caller gives a pace of its own. */
    public static final Duration POLL = Duration.ofMillis(200);
    /** The longest last value a failure message quotes. */
    private static final int MAX_QUOTED = 2_000;

    private Await() {
    }

    /** Checks {@code condition} until it holds; fails after {@code timeout}, naming {@code what}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        try {
            poller(timeout, POLL, what).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + seconds(timeout) + " waiting for " + what);
        }
    }

    /**
     * Reads until {@code done} accepts the value, and returns it; fails after {@code timeout}, naming
     * {@code what} and quoting the last value.
     */
    public static <T> T forValue(Duration timeout, String what, Supplier<T> read, Predicate<? super T> done) {
        return forValue(timeout, what, read, done, POLL);
    }

    /** {@link #forValue(Duration, String, Supplier, Predicate)}, reading once every {@code every}. */
    public static <T> T forValue(Duration timeout, String what, Supplier<T> read, Predicate<? super T> done,
            Duration every) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return poller(timeout, every, what).until(() -> {
                T value = read.get();
                last.set(value);
                return value;
            }, done::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + seconds(timeout) + " waiting for " + what
                    + (last.get() == null ? "" : "; last value: " + quoted(last.get())));
        }
    }

    private static ConditionFactory poller(Duration timeout, Duration every, String what) {
        return await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(every).pollInSameThread()
                .dontCatchUncaughtExceptions();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String quoted(Object value) {
        String s = String.valueOf(value);
        return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "… (" + s.length() + " characters)";
    }
}
