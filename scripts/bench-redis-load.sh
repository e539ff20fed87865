#!/usr/bin/env bash
# The Redis limiter under cross-node load (issue 15): Redis and 2 relay nodes (no load balancer),
# phones on node 1, agents on node 2, open-loop P pairs at a fixed offered rate. Relays and Redis
# pinned to core 0, the load generator to core 1 (taskset). /health of both nodes is polled every
# second (5 s timeout) into OUT/health.log: redis_failures, limits_mode, redis_overloaded.
#   scripts/bench-redis-load.sh JAR OUT RATE [SECONDS] [PAIRS]
#   e.g. scripts/bench-redis-load.sh target/coralmux-relay.jar target/redis-load 20000 20
# CLUSTER_CONF: the cluster file (an older jar may not know every key of conf/cluster.json).
# Run it inside flock /tmp/coralmux-mvn.lock on the shared machine; prints the generator's line
# and the limiter's log lines (fallback, switch back).
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: $0 JAR OUT RATE [SECONDS] [PAIRS]"; exit 2; }
JAR=$(realpath "$1"); OUT=$2; RATE=$3; DUR=${4:-20}; PAIRS=${5:-1000}
cd "$(dirname "$0")/.."
[ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
rm -rf "$OUT"; mkdir -p "$OUT"
KEY=bench-admin-key-not-for-production
SECRET=bench-invite-secret-0123456789abcdef0123456789
BASE=${BASE_PORT:-29480}; RP=$((BASE + 10))
redis-server --port $RP --bind 127.0.0.1 --save "" --appendonly no > "$OUT/redis.log" 2>&1 & REDIS=$!
PIDS=(); MON=
for i in 1 2; do
  RELAY_HOST=127.0.0.1 RELAY_PORT=$((BASE + i)) RELAY_ADMIN_KEY=$KEY RELAY_INVITE_SECRET=$SECRET \
  RELAY_DATA_DIR=$OUT/node-$i RELAY_CLUSTER_CONFIG=${CLUSTER_CONF:-conf/cluster.json} RELAY_CLUSTER=true RELAY_CLUSTER_HOST=127.0.0.1 RELAY_HAZELCAST_PORT=$((BASE + 19 + i)) \
  RELAY_HAZELCAST_MEMBERS=127.0.0.1:$((BASE + 20)),127.0.0.1:$((BASE + 21)) RELAY_REDIS_URL=redis://127.0.0.1:$RP \
    taskset -c 0 java -Xmx512m -jar "$JAR" serve --config "${CONF:-conf/bench.json}" > "$OUT/node-$i.log" 2>&1 &
  PIDS+=($!)
done
cleanup() { # a node that ran out of heap ignores SIGTERM: kill it after 15 s
  [ -n "$MON" ] && kill "$MON" 2>/dev/null
  kill "${PIDS[@]}" 2>/dev/null
  for _ in $(seq 30); do kill -0 "${PIDS[@]}" 2>/dev/null || break; sleep 0.5; done
  kill -9 "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null
  kill $REDIS 2>/dev/null
}
trap cleanup EXIT
for i in 1 2; do until (exec 3<>/dev/tcp/127.0.0.1/$((BASE + i))) 2>/dev/null; do sleep 0.5; done; done
( while true; do for i in 1 2; do
    h=$(curl -s -m 5 http://127.0.0.1:$((BASE + i))/health || true)
    echo "$(date +%T) node$i $(echo "$h" | python3 -c 'import sys, json
try:
    d = json.load(sys.stdin)
    print("redis_failures", d["redis_failures"], "limits_mode", d.get("limits_mode"), "redis_overloaded",
          d.get("redis_overloaded"), "decided_locally", d["decided_locally"]["messages"])
except Exception:
    print("no answer in 5 s")')"
  done; sleep 1; done ) > "$OUT/health.log" 2>&1 & MON=$!
taskset -c 1 java -jar target/coralmux-relay-bench.jar --admin-key $KEY --relay http://127.0.0.1:$((BASE + 1)) \
  --phone-url ws://127.0.0.1:$((BASE + 1))/ws --agent-url ws://127.0.0.1:$((BASE + 2))/ws --out "$OUT/result.json" \
  latency --pairs "$PAIRS" --size 1024 --rates "$RATE" --duration "$DUR" 2>&1 | grep -m1 '^latency'
sleep 3
grep -h "RedisLimiter\|OutOfMemoryError" "$OUT"/node-*.log | cut -c1-200
echo "health polls not answered in 5 s: $(grep -c 'no answer' "$OUT/health.log")"
