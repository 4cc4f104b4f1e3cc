package dev.notifier.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A typed topic descriptor: the name and the serdes of its keys and values. Code names topics
 * only through {@link Topics}; no other class holds a topic-name literal.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  @Override
  public String toString() {
    return name;
  }
}
