package dev.coralmux.relay.routing;

import dev.coralmux.relay.protocol.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Event-bus codec for {@link EdgeMessage}: passed by reference within a node (the records and the
 * frame bytes are never mutated), a compact binary form between nodes.
 */
public final class EdgeMessageCodec implements MessageCodec<EdgeMessage, EdgeMessage> {
  public static final String NAME = "coralmux-edge";

  private static final byte DELIVER = 1;
  private static final byte BOUNCE = 2;
  private static final byte PEER_ONLINE = 3;
  private static final byte PEER_OFFLINE = 4;
  private static final byte CLOSE = 5;
  private static final byte ACK = 6;
  private static final byte SYNC = 7;
  private static final byte RECEIPTS = 8;

  @Override
  public void encodeToWire(Buffer buf, EdgeMessage m) {
    if (m instanceof EdgeMessage.Deliver d) {
      buf.appendByte(DELIVER);
      writeRef(buf, d.target());
      writeRef(buf, d.sender());
      writeString(buf, d.messageId());
      buf.appendLong(d.receivedAtNanos()).appendLong(d.seq()).appendByte((byte) (d.wantsAck() ? 1 : 0));
      buf.appendLong(d.confirmSeq());
      buf.appendInt(d.frame().length).appendBytes(d.frame());
    } else if (m instanceof EdgeMessage.Bounce b) {
      buf.appendByte(BOUNCE);
      writeRef(buf, b.target());
      writeString(buf, b.messageId());
      writeString(buf, b.code().name());
      writeString(buf, b.reason());
      buf.appendLong(b.retryAfterMs()).appendLong(b.refundBytes());
    } else if (m instanceof EdgeMessage.PeerOnline p) {
      buf.appendByte(PEER_ONLINE);
      writeRef(buf, p.target());
      writeRef(buf, p.peer());
    } else if (m instanceof EdgeMessage.PeerOffline p) {
      buf.appendByte(PEER_OFFLINE);
      writeRef(buf, p.target());
      writeRef(buf, p.peer());
    } else if (m instanceof EdgeMessage.Close c) {
      buf.appendByte(CLOSE);
      writeRef(buf, c.target());
      buf.appendShort(c.code());
      writeString(buf, c.reason());
    } else if (m instanceof EdgeMessage.Ack a) {
      buf.appendByte(ACK);
      writeRef(buf, a.target());
      writeString(buf, a.messageId());
      buf.appendByte((byte) (a.delivered() ? 1 : 0));
    } else if (m instanceof EdgeMessage.Sync y) {
      buf.appendByte(SYNC);
      writeRef(buf, y.target());
      writeRef(buf, y.sender());
      buf.appendLong(y.lastSeq()).appendLong(y.confirmSeq());
    } else if (m instanceof EdgeMessage.Receipts r) {
      buf.appendByte(RECEIPTS);
      writeRef(buf, r.target());
      writeString(buf, r.from());
      buf.appendInt(r.entries().length);
      for (long v : r.entries()) buf.appendLong(v);
    }
  }

  @Override
  public EdgeMessage decodeFromWire(int pos, Buffer buf) {
    byte kind = buf.getByte(pos);
    int[] at = {pos + 1}; // read cursor shared by the helpers below
    return switch (kind) {
      case DELIVER -> {
        ConnRef target = readRef(buf, at);
        ConnRef sender = readRef(buf, at);
        String id = readString(buf, at);
        long receivedAt = buf.getLong(at[0]);
        long seq = buf.getLong(at[0] + 8);
        boolean wantsAck = buf.getByte(at[0] + 16) == 1;
        long confirmSeq = buf.getLong(at[0] + 17);
        int len = buf.getInt(at[0] + 25);
        byte[] frame = buf.getBytes(at[0] + 29, at[0] + 29 + len);
        yield new EdgeMessage.Deliver(target, sender, id, frame, receivedAt, seq, wantsAck, confirmSeq);
      }
      case BOUNCE -> {
        ConnRef target = readRef(buf, at);
        String id = readString(buf, at);
        ErrorCode code = ErrorCode.valueOf(readString(buf, at));
        String reason = readString(buf, at);
        long retry = buf.getLong(at[0]);
        yield new EdgeMessage.Bounce(target, id, code, reason, retry, buf.getLong(at[0] + 8));
      }
      case PEER_ONLINE -> new EdgeMessage.PeerOnline(readRef(buf, at), readRef(buf, at));
      case PEER_OFFLINE -> new EdgeMessage.PeerOffline(readRef(buf, at), readRef(buf, at));
      case CLOSE -> {
        ConnRef target = readRef(buf, at);
        short code = buf.getShort(at[0]);
        at[0] += 2;
        yield new EdgeMessage.Close(target, code, readString(buf, at));
      }
      case ACK -> {
        ConnRef target = readRef(buf, at);
        String id = readString(buf, at);
        yield new EdgeMessage.Ack(target, id, buf.getByte(at[0]) == 1);
      }
      case SYNC -> {
        ConnRef target = readRef(buf, at);
        ConnRef sender = readRef(buf, at);
        yield new EdgeMessage.Sync(target, sender, buf.getLong(at[0]), buf.getLong(at[0] + 8));
      }
      case RECEIPTS -> {
        ConnRef target = readRef(buf, at);
        String from = readString(buf, at);
        long[] entries = new long[buf.getInt(at[0])];
        for (int i = 0; i < entries.length; i++) entries[i] = buf.getLong(at[0] + 4 + 8 * i);
        yield new EdgeMessage.Receipts(target, from, entries);
      }
      default -> throw new IllegalArgumentException("unknown edge message kind " + kind);
    };
  }

  @Override
  public EdgeMessage transform(EdgeMessage m) {
    return m;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  private static void writeRef(Buffer buf, ConnRef ref) {
    if (ref == null) { // a sender unknown after a restart
      writeString(buf, null);
      buf.appendLong(0).appendLong(0);
      return;
    }
    writeString(buf, ref.address());
    buf.appendLong(ref.connId()).appendLong(ref.epoch());
  }

  private static ConnRef readRef(Buffer buf, int[] at) {
    String address = readString(buf, at);
    long connId = buf.getLong(at[0]);
    long epoch = buf.getLong(at[0] + 8);
    at[0] += 16;
    return address == null ? null : new ConnRef(address, connId, epoch);
  }

  private static void writeString(Buffer buf, String s) {
    if (s == null) {
      buf.appendInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    buf.appendInt(b.length).appendBytes(b);
  }

  private static String readString(Buffer buf, int[] at) {
    int len = buf.getInt(at[0]);
    at[0] += 4;
    if (len < 0) return null;
    String s = buf.getString(at[0], at[0] + len, "UTF-8");
    at[0] += len;
    return s;
  }
}
