package dev.notifier.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsSettings;

/** A whole notifier config file: the Kafka cluster, and the streams and worker sections. */
public record NotifierConfig(
    @JsonProperty("kafka") KafkaSettings kafka,
    @JsonProperty("streams") StreamsSettings streams,
    @JsonProperty("worker") WorkerSettings worker) {

  public NotifierConfig {
    if (kafka == null) {
      throw new IllegalArgumentException("section 'kafka' is missing: add kafka.bootstrapServers");
    }
    streams = streams == null ? StreamsSettings.defaults() : streams;
  }

  /** The worker section, which the worker command requires. */
  public WorkerSettings requireWorker() {
    if (worker == null) {
      throw new IllegalArgumentException("section 'worker' is missing: add worker.accounts with at least one account");
    }
    return worker;
  }
}
