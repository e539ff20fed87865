package dev.coralmux.relay.client;

import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Messages the relay has not yet acknowledged, in send order, kept as their final wire text: after
 * a reconnect each is resent byte for byte with its original id (already encrypted: never sealed
 * twice), and the relay, which drops an id it already holds, forwards it once. An entry leaves on
 * the relay's first ack ({@code stored} or {@code delivered}: either way the relay now holds it in
 * its history) or on its refusal. Bounded in number and bytes: when full a new send is refused
 * (the caller fails it), never an old one dropped. Confined to the client's context.
 */
final class UnackedSends {
  /** One message: its envelope id, its encoded envelope, and the app's promise, completed on the ack. */
  record Entry(String id, String text, int bytes, Promise<Void> done) {}

  private final int maxMessages;
  private final long maxBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private long bytes;

  UnackedSends(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** @return false, adding nothing, when it would pass a bound or its id is already held */
  boolean add(String id, String text, Promise<Void> done) {
    int size = text.getBytes(StandardCharsets.UTF_8).length;
    if (entries.size() >= maxMessages || bytes + size > maxBytes || entries.containsKey(id)) return false;
    entries.put(id, new Entry(id, text, size, done));
    bytes += size;
    return true;
  }

  /** The entry with this id taken out, or null (confirmed already, or not one of ours). */
  Entry remove(String id) {
    Entry e = id == null ? null : entries.remove(id);
    if (e != null) bytes -= e.bytes();
    return e;
  }

  /** The wire texts still unconfirmed, oldest first: what to resend after a reconnect. */
  List<String> texts() {
    List<String> all = new ArrayList<>(entries.size());
    for (Entry e : entries.values()) all.add(e.text());
    return all;
  }

  int size() {
    return entries.size();
  }

  long bytes() {
    return bytes;
  }

  /** Fails and forgets every entry (the client stopped, or the relay no longer resumes). */
  void failAll(String code, String message) {
    List<Entry> all = new ArrayList<>(entries.values());
    entries.clear();
    bytes = 0;
    for (Entry e : all) e.done().tryFail(new RelayException(code, message));
  }
}
