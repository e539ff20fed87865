package dev.coralmux.relay.history;

/**
 * How much one token keeps per direction: at most {@code maxMessages} messages and {@code maxBytes}
 * bytes, none older than {@code ttlMs}. The oldest go first when a bound is reached.
 */
public record HistoryBounds(int maxMessages, long maxBytes, long ttlMs) {}
