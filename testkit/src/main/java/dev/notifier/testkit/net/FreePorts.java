package dev.notifier.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free ports on the loopback address for a server about to start. Ports wanted together are asked
 * for while the ones before them are still held, so they are distinct: asked for one at a time, the
 * kernel may hand out the same port twice, and the embedded broker once got one port for both its
 * listeners and refused to start.
 */
public final class FreePorts {

  private FreePorts() {
  }

  /** {@code n} distinct free ports on {@link InetAddress#getLoopbackAddress()}. */
  public static int[] distinct(int n) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback address", e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is free again either way
        }
      }
    }
  }
}
