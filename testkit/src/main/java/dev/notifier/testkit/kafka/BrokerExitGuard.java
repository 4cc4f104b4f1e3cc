package dev.notifier.testkit.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.utils.internals.Exit;

/**
 * Keeps a fatal fault of an in-JVM broker from ending the JVM it shares with the tests.
 *
 * <p>On a fatal fault (its metadata log directory failing, a controller error) a Kafka broker calls
 * {@link Exit#halt}, which by default halts the whole JVM with status 1. In a test JVM that takes every test class
 * running in it down too, and the build then says only that the forked JVM "terminated without saying goodbye".
 * Kafka's own test harnesses replace these procedures; so does this guard, once per JVM: it prints the broker's
 * reason to stderr, records it for {@link EmbeddedKafka#stop()} to report, and throws in the broker thread that
 * asked, instead of ending the JVM.
 */
final class BrokerExitGuard {

    private static final List<String> FAULTS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private BrokerExitGuard() {
    }

    /** Replaces Kafka's exit and halt procedures for the rest of this JVM's life. Idempotent. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
        Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
        installed = true;
    }

    /** How many fatal faults this JVM's brokers have had so far; a mark for {@link #since(int)}. */
    static int count() {
        return FAULTS.size();
    }

    /** The faults recorded after {@code mark}, oldest first. */
    static List<String> since(int mark) {
        // from one snapshot: a view of the live list would fail if a broker thread added a fault meanwhile
        List<String> all = List.copyOf(FAULTS);
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    private static void refuse(String procedure, int status, String message) {
        String fault = caller() + " asked to " + procedure + " the JVM with status " + status
                + (message == null ? "" : " (" + message + ")") + " in thread " + Thread.currentThread().getName();
        FAULTS.add(fault);
        System.err.println("EmbeddedKafka: the broker had a fatal fault. " + fault
                + ". The JVM goes on for the tests to report it; this broker is not to be trusted.");
        throw new FatalBrokerFault(fault);
    }

    /** The method that called {@link Exit}, e.g. {@code kafka.server.ReplicaManager.handleLogDirFailure}. */
    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith(Exit.class.getName())
                        && !f.getClassName().startsWith(BrokerExitGuard.class.getName()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName())
                .orElse("Kafka"));
    }

    /** Thrown in the broker thread that asked to end the JVM. */
    static final class FatalBrokerFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FatalBrokerFault(String message) {
            super(message);
        }
    }
}
