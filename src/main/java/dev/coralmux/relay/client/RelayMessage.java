package dev.coralmux.relay.client;

import io.vertx.core.json.JsonObject;

/**
 * A message from the peer, its payload already decrypted.
 *
 * @param encrypted whether it travelled end-to-end encrypted
 */
public record RelayMessage(String type, String id, long ts, JsonObject payload, boolean encrypted) {}
