package dev.notifier.testkit.kafka;

import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;

/** What the group coordinator says of a consumer group now, for tests that watch members come and go. */
public final class ConsumerGroups {

  private ConsumerGroups() {
  }

  /** The members of {@code group} now (0 for a group that is empty or unknown). */
  public static int members(Admin admin, String group) {
    try {
      return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members().size();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe the group " + group + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted describing the group " + group, e);
    }
  }
}
