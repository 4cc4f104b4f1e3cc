package dev.notifier.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void portsAskedForTogetherAreDistinctAndFree() throws IOException {
    int[] ports = FreePorts.distinct(200);

    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(200);
    try (ServerSocket first = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress());
        ServerSocket last = new ServerSocket(ports[199], 1, InetAddress.getLoopbackAddress())) {
      assertThat(first.getLocalPort()).isEqualTo(ports[0]);
      assertThat(last.getLocalPort()).isEqualTo(ports[199]);
    }
  }
}
