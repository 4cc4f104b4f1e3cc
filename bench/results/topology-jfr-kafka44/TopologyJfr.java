import java.nio.file.Path;
import java.util.*;
import jdk.jfr.consumer.*;

/**
 * args: recording.jfr threadPrefix... (with -Dlast=N: only each thread's last N seconds of samples): for each prefix, the execution samples of stream threads whose name starts
 * with it, by where the time goes (the innermost frame outside java.*, jdk.*, sun.*), and the notifier's own
 * methods nearest the leaf.
 */
public class TopologyJfr {
  static final String[][] CATEGORIES = {
    {"com.github.mustachejava", "rendering (Mustache)"},
    {"dev.notifier.streams.render", "rendering (notifier)"},
    {"org.apache.avro.io.BinaryEncoder", "Avro encoding"},
    {"org.apache.avro.io.BufferedBinaryEncoder", "Avro encoding"},
    {"org.apache.avro.generic.GenericDatumWriter", "Avro encoding"},
    {"org.apache.avro.specific.SpecificDatumWriter", "Avro encoding"},
    {"org.apache.avro.io", "Avro decoding/other io"},
    {"org.apache.avro.generic.GenericDatumReader", "Avro decoding"},
    {"org.apache.avro.specific.SpecificDatumReader", "Avro decoding"},
    {"org.apache.avro", "Avro other"},
    {"com.fasterxml.jackson", "JSON (Jackson)"},
    {"org.rocksdb", "RocksDB"},
    {"org.apache.kafka.streams.state", "state-store layers"},
    {"org.apache.kafka.streams.processor.internals.RecordCollector", "record collector"},
    {"org.apache.kafka.streams.processor.internals.metrics", "streams metrics"},
    {"org.apache.kafka.common.metrics", "kafka metrics"},
    {"org.apache.kafka.streams.kstream", "kstream operators"},
    {"org.apache.kafka.streams.processor.internals", "streams processing/forwarding"},
    {"org.apache.kafka.streams", "streams other"},
    {"org.apache.kafka.common.compress", "compression"},
    {"net.jpountz", "compression"},
    {"org.apache.kafka.common.record", "record batches"},
    {"org.apache.kafka.clients.producer", "producer"},
    {"org.apache.kafka.clients.consumer", "consumer"},
    {"org.apache.kafka", "kafka other"},
    {"dev.notifier", "notifier other"},
  };

  public static void main(String[] a) throws Exception {
    List<String> prefixes = Arrays.asList(a).subList(1, a.length);
    long lastSeconds = Long.getLong("last", 0);
    Map<String, Long> lastAt = new HashMap<>();
    eachStreamSample(a[0], prefixes, (p, e) -> lastAt.merge(p, e.getStartTime().toEpochMilli(), Math::max));
    Map<String, Map<String, Integer>> cats = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> own = new LinkedHashMap<>();
    Map<String, Integer> totals = new LinkedHashMap<>();
    eachStreamSample(a[0], prefixes, (p, e) -> {
      if (lastSeconds > 0 && e.getStartTime().toEpochMilli() < lastAt.get(p) - lastSeconds * 1000) return;
      totals.merge(p, 1, Integer::sum);
      RecordedStackTrace st = e.getStackTrace();
      String cat = "JDK only";
      String mine = null;
      if (st != null) {
        for (RecordedFrame fr : st.getFrames()) {
          String cls = fr.getMethod().getType().getName();
          if (cat.equals("JDK only") && !(cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun."))) {
            cat = "unknown " + cls;
            for (String[] c : CATEGORIES) if (cls.startsWith(c[0])) { cat = c[1]; break; }
          }
          if (mine == null && cls.startsWith("dev.notifier")) mine = cls.substring(cls.lastIndexOf('.') + 1) + "." + fr.getMethod().getName();
        }
      }
      cats.computeIfAbsent(p, k -> new HashMap<>()).merge(cat, 1, Integer::sum);
      own.computeIfAbsent(p, k -> new HashMap<>()).merge(mine == null ? "(no notifier frame)" : mine, 1, Integer::sum);
    });
    for (String p : prefixes) {
      int t = totals.getOrDefault(p, 0);
      System.out.printf("%n== %s: %d samples%n", p, t);
      print(cats.getOrDefault(p, Map.of()), t, 30);
      System.out.println("-- nearest notifier frame:");
      print(own.getOrDefault(p, Map.of()), t, 15);
    }
  }

  /** Each execution sample of a stream thread whose name starts with one of {@code prefixes}, with that prefix. */
  static void eachStreamSample(String jfr, List<String> prefixes,
      java.util.function.BiConsumer<String, RecordedEvent> action) throws Exception {
    try (RecordingFile f = new RecordingFile(Path.of(jfr))) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
        RecordedThread th = e.getThread("sampledThread");
        String n = th == null ? "" : th.getJavaName();
        if (n == null || !n.contains("StreamThread")) continue;
        prefixes.stream().filter(n::startsWith).findFirst().ifPresent(p -> action.accept(p, e));
      }
    }
  }

  static void print(Map<String, Integer> m, int t, int most) {
    m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(most)
        .forEach(x -> System.out.printf("%6.1f %%  %s%n", 100.0 * x.getValue() / t, x.getKey()));
  }
}
