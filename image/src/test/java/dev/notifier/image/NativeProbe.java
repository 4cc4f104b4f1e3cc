package dev.notifier.image;

import com.github.luben.zstd.Zstd;
import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import net.jpountz.lz4.LZ4Factory;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.xerial.snappy.Snappy;

/**
 * Run inside the image's root file system by {@link ImageRunIntegrationTest}: uses what the
 * notifier needs of the runtime and the C libraries beyond {@code --help}: the JNI libraries of
 * RocksDB (Kafka Streams state), zstd, lz4 and snappy (Kafka compression), TLS with the trust store
 * and EC keys (SMTP STARTTLS, Kafka SSL), UTF-8 as the default charset, Chinese locale data
 * (zh-CN templates), the JDK HTTP server (management endpoint) and com.sun.management (process
 * metrics). Exits non-zero, naming what failed, on the first problem.
 */
public final class NativeProbe {

  private NativeProbe() {
  }

  public static void main(String[] args) throws Exception {
    byte[] data = "notifier 通知 ".repeat(200).getBytes(StandardCharsets.UTF_8);

    RocksDB.loadLibrary();
    Path dir = Files.createTempDirectory("probe-rocksdb");
    try (Options options = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(options, dir.toString())) {
      db.put("k".getBytes(StandardCharsets.UTF_8), data);
      check("rocksdb", Arrays.equals(db.get("k".getBytes(StandardCharsets.UTF_8)), data));
    }
    check("zstd", Arrays.equals(Zstd.decompress(Zstd.compress(data), data.length), data));
    LZ4Factory lz4 = LZ4Factory.nativeInstance();
    check("lz4", Arrays.equals(lz4.fastDecompressor().decompress(lz4.fastCompressor().compress(data), data.length),
        data));
    check("snappy", Arrays.equals(Snappy.uncompress(Snappy.compress(data)), data));

    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init((KeyStore) null);
    int cas = ((X509TrustManager) trust.getTrustManagers()[0]).getAcceptedIssuers().length;
    check("trust store has CA certificates (" + cas + ")", cas > 50);
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(null, null, null);
    check("TLS 1.3 cipher suites", tls.createSSLEngine().getEnabledCipherSuites().length > 0);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    check("EC keys", ec.generateKeyPair().getPublic() != null);

    check("default charset UTF-8 (" + Charset.defaultCharset() + ")", Charset.defaultCharset().equals(StandardCharsets.UTF_8));
    String monday = DateTimeFormatter.ofPattern("EEEE", Locale.SIMPLIFIED_CHINESE).format(LocalDate.of(2024, 1, 1));
    check("Chinese locale data (" + monday + ")", monday.equals("星期一"));

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.start();
    server.stop(0);
    check("com.sun.management", ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
        .getTotalMemorySize() > 0);

    System.out.println("probe ok: rocksdb zstd lz4 snappy tls(" + cas + " CAs) ec utf-8 zh httpserver management");
  }

  private static void check(String what, boolean ok) {
    if (!ok) {
      System.out.println("probe failed: " + what);
      System.exit(1);
    }
  }
}
