package dev.coralmux.relay.cluster;

import dev.coralmux.relay.limits.RateClass;

/**
 * Key names in Redis. Every per-token key carries the token hash as a hash tag ({@code {...}}),
 * so one token's keys live in one Redis Cluster slot and a script may touch them together.
 */
public final class RedisKeys {
  public static final String TOKEN_SET = "cm:tokens";
  public static final String PAIRED = "cm:stats:paired";
  /** Dashboard sessions: hashes of their ids, scored by expiry. */
  public static final String ADMIN_SESSIONS = "cm:admin:sessions";

  private RedisKeys() {}

  public static String token(String hash) {
    return "cm:{" + hash + "}:tok";
  }

  public static String tokenId(String id) {
    return "cm:tokid:" + id;
  }

  public static String presence(String hash) {
    return "cm:{" + hash + "}:pres";
  }

  public static String rate(String hash, RateClass rate) {
    return "cm:{" + hash + "}:rate:" + rate.wire;
  }

  public static String day(String hash, long dayKey) {
    return "cm:{" + hash + "}:d:" + dayKey;
  }

  public static String month(String hash, long monthKey) {
    return "cm:{" + hash + "}:m:" + monthKey;
  }

  /** A direction's history (named by its reader): its state (sequence, bytes, cursor), messages and ids. */
  public static String historyMeta(String hash, String reader) {
    return "cm:{" + hash + "}:hist:" + reader + ":meta";
  }

  public static String historyStream(String hash, String reader) {
    return "cm:{" + hash + "}:hist:" + reader + ":log";
  }

  public static String historyIds(String hash, String reader) {
    return "cm:{" + hash + "}:hist:" + reader + ":ids";
  }

  public static String invite(String codeHash) {
    return "cm:invite:" + codeHash;
  }

  /** A token's live invite codes (sorted by expiry). */
  public static String invites(String hash) {
    return "cm:{" + hash + "}:invites";
  }

  /** A per-IP fixed window ({@code limit} names it, e.g. {@code invite_failures}). */
  public static String perIp(String limit, String ip) {
    return "cm:ip:" + limit + ":" + ip;
  }
}
