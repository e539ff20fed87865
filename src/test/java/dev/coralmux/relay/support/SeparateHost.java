package dev.coralmux.relay.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Another host on this machine: a network namespace of the test's own, joined to this one by a
 * veth pair on a /30 of its own — this side {@link #gateway()}, the namespace {@link #address()}.
 * A page this machine opens at {@link #address()} is not on loopback (Chromium treats every 127.x
 * address as a secure context), as a phone on the LAN would see the relay. Needs root and
 * iproute2; {@link #close()} deletes the namespace and every process still in it.
 */
public final class SeparateHost implements AutoCloseable {
  private final String name;
  private final String subnet;

  private SeparateHost(String name, String subnet) {
    this.name = name;
    this.subnet = subnet;
  }

  public static SeparateHost create(String neededFor) throws Exception {
    ExternalTools.require("ip", neededFor);
    ExternalTools.requireThat("root".equals(System.getProperty("user.name")), neededFor + " needs root (network namespaces)");
    Random r = new Random();
    String suffix = Integer.toString(1000 + r.nextInt(9000));
    // A /30 among 10.192.0.0/12 that no interface here uses (the cluster tests take 10.200-10.249).
    String subnet;
    do {
      subnet = "10." + (192 + r.nextInt(8)) + "." + r.nextInt(256) + "." + (4 * r.nextInt(64));
    } while (run("ip", "-4", "addr", "show").contains(" " + prefix(subnet) + "."));
    SeparateHost h = new SeparateHost("cmxh" + suffix, subnet);
    try {
      String veth = "cmxh" + suffix;
      run("ip", "netns", "add", h.name);
      run("ip", "link", "add", veth, "type", "veth", "peer", "name", veth + "p");
      run("ip", "link", "set", veth + "p", "netns", h.name);
      run("ip", "-n", h.name, "link", "set", veth + "p", "name", "eth0");
      run("ip", "-n", h.name, "addr", "add", h.address() + "/30", "dev", "eth0");
      run("ip", "-n", h.name, "link", "set", "eth0", "up");
      run("ip", "-n", h.name, "link", "set", "lo", "up");
      run("ip", "addr", "add", h.gateway() + "/30", "dev", veth);
      run("ip", "link", "set", veth, "up");
      return h;
    } catch (Exception | AssertionError e) {
      h.close();
      throw e;
    }
  }

  private static String prefix(String subnet) {
    return subnet.substring(0, subnet.lastIndexOf('.'));
  }

  private String octet(int plus) {
    int last = Integer.parseInt(subnet.substring(subnet.lastIndexOf('.') + 1));
    return prefix(subnet) + "." + (last + plus);
  }

  /** The namespace's address. */
  public String address() {
    return octet(2);
  }

  /** This machine's address on the link to the namespace. */
  public String gateway() {
    return octet(1);
  }

  /** {@code command} prefixed so that it runs inside the namespace. */
  public List<String> command(List<String> command) {
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", name));
    out.addAll(command);
    return out;
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + ": " + out);
    return out;
  }

  @Override
  public void close() throws Exception {
    // Processes first (a relay the test could not stop), then the namespace; its veth goes with it.
    String pids = new String(new ProcessBuilder("ip", "netns", "pids", name).start().getInputStream().readAllBytes(),
        StandardCharsets.UTF_8);
    for (String pid : pids.split("\\s+")) {
      if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }
    new ProcessBuilder("ip", "netns", "del", name).start().waitFor(30, TimeUnit.SECONDS);
  }
}
