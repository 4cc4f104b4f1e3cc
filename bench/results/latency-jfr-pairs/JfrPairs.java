import java.nio.file.Path;
import java.time.Instant;
import java.util.*;
import jdk.jfr.consumer.*;

/** args: jfr startInstant window... where window = label:startSec:endSec:mails (seconds from start) */
public class JfrPairs {
  record W(String label, long from, long to, int mails) {}

  static String group(String n) {
    if (n == null) return "native";
    if (n.contains("senders-pd")) return "worker";
    if (n.contains("senders-ps")) return "worker";
    if (n.contains("latency-pd-") || n.contains("latency-ps-")) return n.contains("producer") ? "topo-producer" : "topo-stream";
    if (n.startsWith("smtp-session")) return "smtp";
    if (n.startsWith("data-plane-kafka-request-handler")) return "broker-handler";
    if (n.startsWith("data-plane-kafka-network")) return "broker-network";
    if (n.startsWith("kafka-") || n.contains("coordinator") || n.contains("Txn") || n.startsWith("quorum") || n.startsWith("executor")) return "broker-other";
    if (n.contains("upstream") || n.contains("watch") || n.equals("main")) return "bench";
    return "other";
  }

  static String pipeline(String n) {
    if (n == null) return "";
    if (n.contains("pd-") || n.contains("senders-pd")) return "d";
    if (n.contains("ps-") || n.contains("senders-ps")) return "s";
    return "";
  }

  public static void main(String[] a) throws Exception {
    long start = Instant.parse(a[1]).toEpochMilli();
    List<W> ws = new ArrayList<>();
    for (int i = 2; i < a.length; i++) {
      String[] p = a[i].split(":");
      ws.add(new W(p[0], start + (long) (Double.parseDouble(p[1]) * 1000), start + (long) (Double.parseDouble(p[2]) * 1000), Integer.parseInt(p[3])));
    }
    Map<String, Integer> mails = new TreeMap<>();
    for (W w : ws) mails.merge(w.label, w.mails, Integer::sum);
    Map<String, Map<String, Integer>> byGroup = new TreeMap<>();
    Map<String, Map<String, Integer>> byFrame = new TreeMap<>();
    try (RecordingFile f = new RecordingFile(Path.of(a[0]))) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
        long t = e.getStartTime().toEpochMilli();
        W w = null;
        for (W x : ws) if (t >= x.from && t < x.to) { w = x; break; }
        if (w == null) continue;
        RecordedThread th = e.getThread("sampledThread");
        String n = th == null ? null : th.getJavaName();
        String g = group(n);
        String pl = pipeline(n);
        // samples of the other pipeline's own threads count apart
        if (!pl.isEmpty() && !pl.equals(w.label)) g = "idle-pipeline-" + g;
        byGroup.computeIfAbsent(w.label, k -> new TreeMap<>()).merge(g, 1, Integer::sum);
        RecordedStackTrace st = e.getStackTrace();
        if (st != null && !st.getFrames().isEmpty()) {
          // first frame outside java.*/jdk.*/sun.* for a readable "where"
          String top = frame(st.getFrames().get(0));
          String own = top;
          for (RecordedFrame fr : st.getFrames()) {
            String s = frame(fr);
            if (!s.startsWith("java.") && !s.startsWith("jdk.") && !s.startsWith("sun.")) { own = s; break; }
          }
          byFrame.computeIfAbsent(w.label + " " + g, k -> new HashMap<>()).merge(own + "  <- " + top, 1, Integer::sum);
        }
      }
    }
    System.out.println("samples per 1000 mails (10 ms samples ~ 10 ms CPU each if running)");
    Set<String> groups = new TreeSet<>();
    byGroup.values().forEach(m -> groups.addAll(m.keySet()));
    System.out.printf("%-36s", "group");
    for (String l : byGroup.keySet()) System.out.printf("%12s", l);
    System.out.println();
    for (String g : groups) {
      System.out.printf("%-36s", g);
      for (String l : byGroup.keySet()) System.out.printf("%12.2f", byGroup.get(l).getOrDefault(g, 0) * 1000.0 / mails.get(l));
      System.out.println();
    }
    System.out.printf("%-36s", "TOTAL");
    for (String l : byGroup.keySet()) System.out.printf("%12.2f", byGroup.get(l).values().stream().mapToInt(i -> i).sum() * 1000.0 / mails.get(l));
    System.out.println();
    String focus = System.getProperty("focus", "broker-handler");
    int top = Integer.getInteger("top", 25);
    for (String fg : focus.split(",")) {
      System.out.println("\n== " + fg + ": top frames per 1000 mails (d vs s)");
      Map<String, Integer> d = byFrame.getOrDefault("d " + fg, Map.of());
      Map<String, Integer> s = byFrame.getOrDefault("s " + fg, Map.of());
      Set<String> keys = new HashSet<>(d.keySet()); keys.addAll(s.keySet());
      keys.stream().sorted((x, y) -> Double.compare(
          Math.abs(d.getOrDefault(y, 0) * 1000.0 / mails.get("d") - s.getOrDefault(y, 0) * 1000.0 / mails.get("s")) + d.getOrDefault(y,0)*1e-6,
          Math.abs(d.getOrDefault(x, 0) * 1000.0 / mails.get("d") - s.getOrDefault(x, 0) * 1000.0 / mails.get("s")) + d.getOrDefault(x,0)*1e-6))
        .limit(top).forEach(k -> System.out.printf("%7.2f %7.2f  %s%n", d.getOrDefault(k, 0) * 1000.0 / mails.get("d"), s.getOrDefault(k, 0) * 1000.0 / mails.get("s"), k));
    }
  }

  static String frame(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
