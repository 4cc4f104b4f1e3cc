package dev.notifier.cli.schemas;

import dev.notifier.testkit.registry.Registry;

/**
 * {@link RegistryInteropIntegrationTest} against a real registry, Apicurio Registry's Confluent-compatible
 * API: Confluent's Python AvroSerializer registers through it, the topology resolves ids it assigned, an
 * outage (its front answering 503) files nothing invalid, and {@code notifier publish --format avro-registry}
 * registers and looks up there.
 */
class ApicurioRegistryInteropIntegrationTest extends RegistryInteropIntegrationTest {

  @Override
  protected Registry startRegistry() {
    return RealRegistries.apicurio();
  }
}
