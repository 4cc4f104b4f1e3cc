package dev.notifier.cli.schemas;

import dev.notifier.testkit.registry.Registry;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@link RegistryOutputsIntegrationTest} against a real registry, Apicurio Registry's Confluent-compatible
 * API: the topology and the worker write the send, status and dead-letter topics under the ids Apicurio
 * assigned, Confluent's Python AvroDeserializer and the notifier's own readers decode them through it.
 * The tests of a registry that is down or not configured are not repeated: "down" is the front before
 * Apicurio answering 503, the very answer testkit's registry gives in the suite itself, and "not
 * configured" asks no registry at all.
 */
class ApicurioRegistryOutputsIntegrationTest extends RegistryOutputsIntegrationTest {

  private static final String SAME_AS_TESTKIT = "no registry answers: the suite proves it against testkit's registry";

  @Override
  protected Registry startRegistry() {
    return RealRegistries.apicurio();
  }

  @Override
  @Test
  @Disabled(SAME_AS_TESTKIT)
  void aSendRecordOfASchemaIdTheWorkerHasNotReadWaitsWhileTheRegistryIsDownAndIsMailedWhenItIsBack() {
  }

  @Override
  @Test
  @Disabled(SAME_AS_TESTKIT)
  void withoutARegistryConfiguredNotifierDltListSaysWhatItCouldNotRead() {
  }

  @Override
  @Test
  @Disabled(SAME_AS_TESTKIT)
  void withTheRegistryDownNotifierDltListSaysWhyAndAsksItOnceNotOncePerRecord() {
  }

  @Override
  @Test
  @Disabled(SAME_AS_TESTKIT)
  void withoutARegistryConfiguredNotifierStatusSaysWhatItCouldNotRead() {
  }

  @Override
  @Test
  @Disabled(SAME_AS_TESTKIT)
  void withTheRegistryDownNotifierStatusSaysWhyAndAsksItOnceNotOncePerRecord() {
  }

  @Override
  @Test
  @Disabled(SAME_AS_TESTKIT)
  void theStreamsAppDoesNotStartWhenTheSubjectLacksTheSchemaAndAutoRegistrationIsOff() {
  }
}
