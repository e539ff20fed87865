package dev.coralmux.relay.client;

/**
 * An error the relay reported (a {@code chat.error} with {@code "source": "relay"}), e.g.
 * PEER_OFFLINE, RATE_LIMITED, DAILY_QUOTA_EXCEEDED.
 *
 * @param refId the id of the message it is about, if any
 * @param retryAfterMs when retrying may succeed, or -1 when waiting does not help
 */
public record RelayError(String code, String message, String refId, long retryAfterMs) {}
