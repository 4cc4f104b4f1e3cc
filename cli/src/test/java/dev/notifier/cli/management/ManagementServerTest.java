package dev.notifier.cli.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management endpoint on a free loopback port, with a health whose answers the test sets. */
class ManagementServerTest {

  private final AtomicReference<Health.Status> ready = new AtomicReference<>(Health.Status.down("starting"));
  private final AtomicReference<Health.Status> live = new AtomicReference<>(Health.Status.up());
  private ProcessMetrics metrics;
  private ManagementServer server;

  @BeforeEach
  void start() {
    metrics = new ProcessMetrics();
    server = ManagementServer.start(ManagementSettings.loopback(0), metrics, new Health() {
      @Override
      public Status live() {
        return live.get();
      }

      @Override
      public Status ready() {
        return ready.get();
      }
    });
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  @Test
  void metricsArePrometheusTextWithJvmProcessAndReadiness() throws Exception {
    HttpResponse<String> response = Scrape.get(server.port(), Management.METRICS_PATH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    String body = response.body();
    assertThat(body).contains("# TYPE jvm_memory_used_bytes gauge").contains("jvm_threads_live_threads")
        .contains("jvm_gc_").contains("process_uptime_seconds").contains("process_cpu_usage")
        .contains("system_cpu_count").contains("jvm_classes_loaded_classes");
    assertThat(Scrape.total(body, "notifier_ready")).isEqualTo(0.0);

    ready.set(Health.Status.up());
    assertThat(Scrape.total(Scrape.get(server.port(), Management.METRICS_PATH).body(), "notifier_ready"))
        .isEqualTo(1.0);
  }

  @Test
  void readinessIs503WithTheReasonUntilTheHealthSaysReady() throws Exception {
    HttpResponse<String> before = Scrape.get(server.port(), Management.READINESS_PATH);
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).isEqualTo("not ready: starting\n");

    ready.set(Health.Status.up());
    HttpResponse<String> after = Scrape.get(server.port(), Management.READINESS_PATH);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo("ready\n");
  }

  @Test
  void livenessFollowsTheHealth() throws Exception {
    assertThat(Scrape.get(server.port(), Management.LIVENESS_PATH).statusCode()).isEqualTo(200);

    live.set(Health.Status.down("streams state ERROR"));
    HttpResponse<String> dead = Scrape.get(server.port(), Management.LIVENESS_PATH);
    assertThat(dead.statusCode()).isEqualTo(503);
    assertThat(dead.body()).isEqualTo("not live: streams state ERROR\n");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertThat(Scrape.get(server.port(), "/").statusCode()).isEqualTo(404);
    assertThat(Scrape.get(server.port(), "/metrics/extra").statusCode()).isEqualTo(404);
    assertThat(Scrape.get(server.port(), "/health").statusCode()).isEqualTo(404);
    HttpResponse<String> post = Scrape.send(server.port(), Management.METRICS_PATH, "POST");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void theEndpointIsReadOnly() throws Exception {
    // whatever a client sends, the endpoint only answers GET; nothing it serves can change the process
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")) {
      for (String path : List.of(Management.METRICS_PATH, Management.LIVENESS_PATH, Management.READINESS_PATH,
          "/shutdown", "/loggers")) {
        assertThat(Scrape.send(server.port(), path, method).statusCode()).as(method + " " + path).isEqualTo(405);
      }
    }
    assertThat(Scrape.get(server.port(), "/shutdown").statusCode()).isEqualTo(404);
    assertThat(Scrape.get(server.port(), Management.LIVENESS_PATH).statusCode()).isEqualTo(200);
  }

  @Test
  void itListensOnTheConfiguredHostOnly() {
    // 127.0.0.1 keeps it on the machine: it is not bound to every interface
    assertThat(server.address().getAddress().isLoopbackAddress()).as(server.address().toString()).isTrue();
    assertThat(server.address().getAddress().isAnyLocalAddress()).isFalse();
    // the default is every interface, for Prometheus and the kubelet
    try (ManagementServer everywhere = ManagementServer.start(ManagementSettings.defaults().withPort(0),
        new ProcessMetrics(), new Health() {
          @Override
          public Status live() {
            return Status.up();
          }

          @Override
          public Status ready() {
            return Status.up();
          }
        })) {
      assertThat(everywhere.address().getAddress().isAnyLocalAddress()).as(everywhere.address().toString()).isTrue();
    }
  }

  @Test
  void manyConcurrentScrapesAreAllServed() throws Exception {
    List<Thread> clients = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
    for (int i = 0; i < 40; i++) {
      Thread client = new Thread(() -> {
        try {
          if (Scrape.get(server.port(), Management.METRICS_PATH).statusCode() == 200) {
            ok.incrementAndGet();
          }
        } catch (IOException | InterruptedException e) {
          // counted as not served
        }
      });
      clients.add(client);
      client.start();
    }
    for (Thread client : clients) {
      client.join(30_000);
    }
    assertThat(ok.get()).isEqualTo(40);
  }

  @Test
  void closeStopsListeningAndRemovesTheReadyGauge() {
    int port = server.port();
    server.close();

    assertThatThrownBy(() -> Scrape.get(port, Management.LIVENESS_PATH)).isInstanceOf(ConnectException.class);
    assertThat(metrics.registry().find(ManagementServer.READY_GAUGE).meters()).isEmpty();
  }

  @Test
  void aPortInUseSaysHowToGiveEachProcessItsOwn() {
    assertThatThrownBy(() -> ManagementServer.start(ManagementSettings.loopback(server.port()), metrics,
        fixed(Health.Status.up())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("management.port " + server.port()).hasMessageContaining("--management-port");
  }

  @Test
  void aHealthOfPartsIsReadyOnlyWhenEveryPartIs() {
    Health up = fixed(Health.Status.up());
    Health down = fixed(Health.Status.down("no partitions assigned"));
    Health other = fixed(Health.Status.down("streams state REBALANCING"));

    assertThat(Health.all(List.of(up, up)).ready()).isEqualTo(Health.Status.up());
    assertThat(Health.all(List.of(up, down, other)).ready().reason())
        .isEqualTo("no partitions assigned; streams state REBALANCING");
    assertThat(Health.all(List.of(up, down)).live().ok()).isFalse();
  }

  private static Health fixed(Health.Status status) {
    return new Health() {
      @Override
      public Status live() {
        return status;
      }

      @Override
      public Status ready() {
        return status;
      }
    };
  }
}
