package dev.notifier.cli.schemas;

import dev.notifier.testkit.registry.ApicurioRegistry;
import dev.notifier.testkit.registry.Registry;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Real schema registries for the registry tests. Apicurio needs its unpacked distribution (the build
 * unpacks it) and a JDK 21+; where either is missing its tests are skipped saying why, unless
 * {@code NOTIFIER_REQUIRE_APICURIO} is set ({@code .ci/run} sets it when it has a JDK 21+), which makes
 * the absence a failure.
 */
final class RealRegistries {

  private RealRegistries() {
  }

  static Registry apicurio() {
    Optional<String> why = ApicurioRegistry.unavailable();
    if (why.isPresent() && System.getenv("NOTIFIER_REQUIRE_APICURIO") != null) {
      throw new AssertionError(why.get() + " (NOTIFIER_REQUIRE_APICURIO is set)");
    }
    Assumptions.assumeTrue(why.isEmpty(), () -> why.orElse(""));
    return ApicurioRegistry.start();
  }
}
