#!/usr/bin/env bash
# The outside review's table (issue 15), one row at a time, each on a fresh relay (a fresh JVM
# with the shipped flags), relay pinned to core 0 and generator to core 1, labels interleaved
# per row so a noisy machine hits every jar alike:
#   scripts/bench-outsider.sh review=OLD.jar head=target/coralmux-relay.jar
#   label=JAR@CLUSTER_JSON  for a jar that predates conf/cluster.json's keys (it reads that file instead)
#   ROWS="p1k p1k-deflate p5k burst churn idle x1k x1k20" (default: these; also p1k-steady, x1k-steady)
# Rows: p1k / p1k-deflate = 1,000 pairs × 2 msg/s open loop (20 s; the second with clients that offer
# permessage-deflate), p1k-steady = p1k measured after 15 s instead of 2 (past the collection that
# promotes the freshly connected sockets' state), p5k = 5,000 pairs × 2 msg/s, burst = 200 pairs × 100 in flight (closed loop,
# 10 s), churn = connect → auth → close, 50 loops, three 10 s runs (cold, warm, warm again), idle =
# 10,000 authenticated idle connections (heap after GC and RSS per connection, read from outside),
# x1k / x1k20 = two nodes + Redis, phones on node 1, agents on node 2, 1,000 pairs × 2 and × 20 msg/s;
# x1k-steady = x1k measured after 15 s.
# Results: target/bench-outsider/LABEL-ROW.json, and a table at the end. ~5 minutes per jar.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 label=relay.jar[@cluster.json] [...]"; exit 2; }
[ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
SHIPPED="-XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=2 -XX:G1MaxNewSizePercent=10"
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:-$SHIPPED}
OUT=target/bench-outsider; rm -rf "$OUT"; mkdir -p "$OUT"
B="taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080"
. scripts/lib/pinned-relay.sh

row() { # label jar row
  local f="$OUT/$1-$3.json"
  case "$3" in
    x1k|x1k20|x1k-steady)
      local base=29080 dir rate=2000 warmup=2
      dir=$(pwd)/$OUT/cluster; [ "$3" = x1k20 ] && rate=20000; [ "$3" = x1k-steady ] && warmup=15
      RELAY_JAR=$(realpath "$2") CLUSTER_DIR=$dir RELAY_CONFIG=conf/bench.json NODES=2 BASE_PORT=$base \
        scripts/cluster-up.sh > "$OUT/$1-$3.log" 2>&1 || { cat "$OUT/$1-$3.log"; exit 1; }
      trap "CLUSTER_DIR=$dir scripts/cluster-down.sh > /dev/null 2>&1" EXIT
      taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:$((base + 1)) \
        --phone-url ws://127.0.0.1:$((base + 1))/ws --agent-url ws://127.0.0.1:$((base + 2))/ws --out "$f" \
        latency --pairs 1000 --size 1024 --rates "$rate" --warmup "$warmup" --duration 20 | grep '^latency'
      CLUSTER_DIR=$dir scripts/cluster-down.sh > /dev/null 2>&1
      return ;;
  esac
  start_relay "$2" conf/bench.json "$OUT/$1-$3.log"
  case "$3" in
    p1k) $B --out "$f" latency --pairs 1000 --size 1024 --rates 2000 --duration 20 | grep '^latency' ;;
    p1k-steady) $B --out "$f" latency --pairs 1000 --size 1024 --rates 2000 --warmup 15 --duration 20 | grep '^latency' ;;
    p1k-deflate) $B --deflate --out "$f" latency --pairs 1000 --size 1024 --rates 2000 --duration 20 | grep '^latency' ;;
    p5k) $B --out "$f" latency --pairs 5000 --size 1024 --rates 10000 --duration 20 | grep '^latency' ;;
    burst) $B --out "$f" throughput --pairs 200 --inflight 100 --size 1024 --duration 10 | grep '^throughput' ;;
    churn) for run in cold warm warm-again; do $B --out "$f" churn --concurrency 50 --duration 10 | tr -d '\n '; echo " $run"; done ;;
    idle) $B --out "$f" idle --connections 10000 --relay-pid "$RELAY" | grep per_connection ;;
    *) echo "unknown row $3"; exit 2 ;;
  esac
  stop_relay
}

for r in ${ROWS:-p1k p1k-deflate p5k burst churn idle x1k x1k20}; do
  for arg in "$@"; do
    label=${arg%%=*}; spec=${arg#*=}; jar=${spec%%@*}
    echo "== $r $label"
    if [[ "$spec" == *@* ]]; then RELAY_CLUSTER_CONFIG=${spec#*@} row "$label" "$jar" "$r"; else row "$label" "$jar" "$r"; fi
  done
done

python3 - "$OUT" "$@" <<'PY'
import json, os, sys
out, labels = sys.argv[1], [a.split("=", 1)[0] for a in sys.argv[2:]]
print("| row | jar | delivered/s or per_s | % delivered | p50 ms | p99 ms | p99.9 ms | max ms | errors | other |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name in sorted(os.listdir(out)):
    if not name.endswith(".json"): continue
    base = name[:-5]
    label = next((l for l in labels if base.startswith(l + "-")), None)
    if label is None: continue
    row = base[len(label) + 1:]
    for r in json.load(open(os.path.join(out, name))):
        ms = lambda k: f"{r[k] / 1000:.1f}" if k in r else ""
        pct = f"{100 * r['delivered'] / r['sent']:.1f}" if r.get("sent") else ""
        rate = r.get("delivered_per_s", r.get("per_s", ""))
        other = {k: v for k, v in r.items() if k in ("completed", "failed", "connections", "heap_per_connection_bytes",
                                                    "rss_per_connection_bytes", "heap_used_after_gc_bytes", "rss_bytes")}
        print(f"| {row} | {label} | {rate} | {pct} | {ms('p50_us')} | {ms('p99_us')} | {ms('p999_us')} | {ms('max_us')} | {r.get('errors', '')} | {other or ''} |")
PY
