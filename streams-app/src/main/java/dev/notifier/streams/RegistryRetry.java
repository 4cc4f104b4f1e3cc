package dev.notifier.streams;

import dev.notifier.schemas.registry.RegistryUnavailableException;

/** Whether a stream thread died because the schema registry did not answer (so it is retried, not fatal). */
final class RegistryRetry {

  private RegistryRetry() {
  }

  static boolean causedBy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }
}
