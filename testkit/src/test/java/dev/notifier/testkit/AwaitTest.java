package dev.notifier.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void returnsTheFirstValueTheConditionAccepts() {
        AtomicInteger reads = new AtomicInteger();

        int value = Await.forValue(Duration.ofSeconds(10), "the third read", reads::incrementAndGet, n -> n >= 3,
                Duration.ofMillis(10));

        assertThat(value).isEqualTo(3);
    }

    @Test
    void checksAtOnceAndOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        AtomicInteger checks = new AtomicInteger();

        Await.until(Duration.ofSeconds(10), "a check on the calling thread", () -> {
            checks.incrementAndGet();
            return Thread.currentThread() == caller;
        });

        assertThat(checks).hasValue(1);
    }

    @Test
    void aTimeoutNamesWhatWasAwaited() {
        assertThatThrownBy(() -> Await.until(SHORT, "the sky to fall", () -> false))
                .isInstanceOf(AssertionError.class).hasMessage("timed out after 300 ms waiting for the sky to fall");
    }

    @Test
    void aTimeoutQuotesTheLastValueShortened() {
        assertThatThrownBy(() -> Await.forValue(SHORT, "a short string", () -> "x".repeat(5000), s -> s.length() < 10))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("timed out after 300 ms waiting for a short string; last value: xxx")
                .hasMessageEndingWith("… (5000 characters)");
    }

    @Test
    void aNullLastValueIsNotQuoted() {
        assertThatThrownBy(() -> Await.forValue(SHORT, "a line", () -> null, v -> v != null))
                .isInstanceOf(AssertionError.class).hasMessage("timed out after 300 ms waiting for a line");
    }

    @Test
    void anExceptionOfTheConditionEndsTheWaitAtOnce() {
        assertThatThrownBy(() -> Await.until(Duration.ofMinutes(1), "a live process", () -> {
            throw new IllegalStateException("exited with 1");
        })).isInstanceOf(IllegalStateException.class).hasMessage("exited with 1");
    }
}
