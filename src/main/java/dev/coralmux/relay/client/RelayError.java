package dev.coralmux.relay.client;

/**
 * An error the relay reported (a {@code chat.error} with {@code "source": "relay"}), e.g.
 * PEER_OFFLINE, RATE_LIMITED, DAILY_QUOTA_EXCEEDED; or a peer message the client refused, with an
 * {@code E2E_*} code: E2E_PLAINTEXT (unencrypted while E2E is on), E2E_NO_KEY, E2E_DECRYPT_FAILED,
 * E2E_BAD_KEY. A refused message is never also delivered to {@code onMessage}.
 *
 * @param refId the id of the message it is about, if any
 * @param retryAfterMs when retrying may succeed, or -1 when waiting does not help
 */
public record RelayError(String code, String message, String refId, long retryAfterMs) {}
