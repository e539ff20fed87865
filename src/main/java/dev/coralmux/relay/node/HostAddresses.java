package dev.coralmux.relay.node;

import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The addresses other machines on the LAN (a phone) can reach this host at: every non-loopback
 * address of an interface that is up, the one holding the default route first (the likeliest to be
 * the LAN a phone is on, rather than a container bridge). Blocking (interface enumeration): call at
 * startup, never on an event loop.
 */
public final class HostAddresses {
  private HostAddresses() {}

  /** Every non-loopback address, primary first, IPv4 before IPv6. */
  public static List<InetAddress> nonLoopback() {
    List<InetAddress> all = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) continue;
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (!a.isLoopbackAddress() && !a.isAnyLocalAddress()) all.add(withoutScope(a));
        }
      }
    } catch (SocketException e) {
      return List.of(); // no interfaces to list: loopback only
    }
    InetAddress primary = defaultRouteSource();
    all.sort(Comparator.comparing((InetAddress a) -> !a.equals(primary)).thenComparing(a -> a instanceof Inet6Address)
        .thenComparing(InetAddress::isLinkLocalAddress));
    return List.copyOf(new java.util.LinkedHashSet<>(all));
  }

  /** The addresses worth showing a person: no IPv6 link-local ones (a URL to those needs a zone id). */
  public static List<InetAddress> forUrls() {
    return nonLoopback().stream().filter(a -> !(a instanceof Inet6Address && a.isLinkLocalAddress())).toList();
  }

  /** An address as a URL host: IPv6 in brackets. */
  public static String urlHost(InetAddress a) {
    return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
  }

  /** The source address the kernel picks for the default route; a UDP "connect" sends nothing. */
  private static InetAddress defaultRouteSource() {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 9));
      return s.getLocalAddress();
    } catch (Exception e) {
      return null;
    }
  }

  private static InetAddress withoutScope(InetAddress a) {
    try {
      return a instanceof Inet6Address ? InetAddress.getByAddress(a.getAddress()) : a;
    } catch (java.net.UnknownHostException e) {
      return a;
    }
  }
}
