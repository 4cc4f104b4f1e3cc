package dev.notifier.cli.schemas;

import dev.notifier.testkit.registry.Registry;

/**
 * {@link RegistryOutputsIntegrationTest} against a real registry, Apicurio Registry's Confluent-compatible
 * API: the topology and the worker write the send, status and dead-letter topics under the ids Apicurio
 * assigned, Confluent's Python AvroDeserializer and the notifier's own readers decode them through it.
 */
class ApicurioRegistryOutputsIntegrationTest extends RegistryOutputsIntegrationTest {

  @Override
  protected Registry startRegistry() {
    return RealRegistries.apicurio();
  }
}
