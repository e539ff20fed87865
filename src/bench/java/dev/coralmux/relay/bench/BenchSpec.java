package dev.coralmux.relay.bench;

/**
 * One load: who to hit and how.
 *
 * @param relayHttp the relay's HTTP base (tokens are made there with {@code adminKey}); null for
 *     the baseline, which accepts any token
 * @param ratePerSecond total offered messages per second (open loop), or 0 for closed loop with
 *     {@code inflight} messages outstanding per pair
 * @param dropEvery test hook: the sender skips every Nth sequence number (an injected loss the
 *     checker must report); 0 in real runs
 */
public record BenchSpec(String relayHttp, String adminKey, String phoneWs, String agentWs, int pairs, int inflight,
                        int size, double durationSeconds, double warmupSeconds, double ratePerSecond,
                        int sourceAddresses, int dropEvery) {}
