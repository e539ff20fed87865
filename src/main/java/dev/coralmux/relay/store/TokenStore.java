package dev.coralmux.relay.store;

import io.vertx.core.Future;
import java.util.List;

/** Token records by hash. Local (standalone, a file in the data directory) or shared (cluster). */
public interface TokenStore {

  /** Saves a new record; completes once it is durable. */
  Future<Void> create(TokenRecord record);

  /** The record for a token hash, or null. */
  Future<TokenRecord> find(String hash);

  /** The record whose id (hash prefix) is {@code id}, or null. */
  Future<TokenRecord> findById(String id);

  Future<List<TokenRecord>> list();

  /** Removes the record; true if it existed. Completes once the removal is durable. */
  Future<Boolean> revoke(String hash);

  /** Writes anything still buffered (usage counters); called periodically and at shutdown. */
  Future<Void> flush();
}
