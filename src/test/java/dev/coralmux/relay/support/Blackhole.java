package dev.coralmux.relay.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the relay that can lose its client the way a phone loses its network:
 * after {@link #cut()} it swallows everything in both directions and closes nothing, so the relay
 * keeps writing into a socket whose reader is gone and learns nothing (no close frame, no FIN).
 */
public final class Blackhole implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean down;

  public Blackhole(int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "blackhole-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/ws";
  }

  /** From now on nothing gets through either way, and nobody is told. */
  public void cut() {
    cut = true;
  }

  /**
   * The network is gone and the phone's system notices: every connection through here is closed
   * abruptly (no close frame), on both sides, and new ones are closed as soon as they are accepted
   * until {@link #up()}.
   */
  public void down() {
    synchronized (sockets) {
      down = true;
      for (Socket s : sockets) closeQuietly(s);
      sockets.clear();
    }
  }

  /** The phone's system gives up on its connections and the network is back at once: {@link #down()} then {@link #up()}. */
  public void dropAll() {
    down();
    up();
  }

  /** A network again: new connections get through (those closed by {@link #down()} stay closed). */
  public void up() {
    cut = false;
    down = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket relay;
        synchronized (sockets) { // not between down()'s closing and a new connection
          if (down) {
            closeQuietly(client);
            continue;
          }
          relay = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(client);
          sockets.add(relay);
        }
        pump(client, relay);
        pump(relay, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (!cut) {
            out.write(buf, 0, n);
            out.flush();
          } // else: read and drop, so the sender's writes keep succeeding
        }
      } catch (IOException e) {
        // closed
      }
    }, "blackhole-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : sockets) closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
