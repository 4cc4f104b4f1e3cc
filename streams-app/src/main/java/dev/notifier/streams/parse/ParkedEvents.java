package dev.notifier.streams.parse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Events waiting for the schema registry: each one as it arrived (key, value, headers, timestamp),
 * under its topic position, in a changelogged store — parked in the same transaction that commits
 * its input offset, so a crash neither loses nor repeats one.
 */
final class ParkedEvents {

  static final String STORE = "registry-parked-events";

  /** One parked event. */
  record Parked(String key, byte[] value, Headers headers, long timestamp) {
  }

  private ParkedEvents() {
  }

  static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray());
  }

  /** The store key: topic position, zero-padded so that the store iterates in arrival order. */
  static String position(int partition, long offset) {
    return String.format("%05d-%019d", partition, offset);
  }

  static byte[] encode(Parked p) {
    List<byte[]> parts = new ArrayList<>();
    byte[] key = p.key() == null ? null : p.key().getBytes(StandardCharsets.UTF_8);
    int size = 8 + 4 + len(key) + 4 + len(p.value()) + 4;
    Header[] headers = p.headers().toArray();
    for (Header h : headers) {
      byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
      parts.add(name);
      parts.add(h.value());
      size += 4 + name.length + 4 + len(h.value());
    }
    ByteBuffer b = ByteBuffer.allocate(size).putLong(p.timestamp());
    put(b, key);
    put(b, p.value());
    b.putInt(headers.length);
    for (byte[] part : parts) {
      put(b, part);
    }
    return b.array();
  }

  static Parked decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long timestamp = b.getLong();
    byte[] key = get(b);
    byte[] value = get(b);
    RecordHeaders headers = new RecordHeaders();
    int n = b.getInt();
    for (int i = 0; i < n; i++) {
      headers.add(new String(get(b), StandardCharsets.UTF_8), get(b));
    }
    return new Parked(key == null ? null : new String(key, StandardCharsets.UTF_8), value, headers, timestamp);
  }

  private static int len(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static void put(ByteBuffer b, byte[] bytes) {
    b.putInt(bytes == null ? -1 : bytes.length);
    if (bytes != null) {
      b.put(bytes);
    }
  }

  private static byte[] get(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0) {
      return null;
    }
    byte[] bytes = new byte[n];
    b.get(bytes);
    return bytes;
  }
}
