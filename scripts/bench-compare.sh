#!/usr/bin/env bash
# Relay jars (or one jar with different confs: JAR@CONF) compared in one run: the same load
# generator against each, in turn (A B C A B C …) so a noisy machine hits all alike. Relay pinned
# to core 0, generator to core 1 (taskset).
#   scripts/bench-compare.sh before=OLD.jar after=target/coralmux-relay.jar   # results: target/bench-compare/
#   scripts/bench-compare.sh on=target/coralmux-relay.jar@conf/bench.json off=target/coralmux-relay.jar@conf/bench-no-history.json
#   ROUNDS=3 scripts/bench-compare.sh …                                     # default 2 rounds
#   CROSS_NODE=1 scripts/bench-compare.sh …   # a 2-node cluster + Redis: phones on node 1, agents on node 2
#   OPTS_g1="-XX:+UseG1GC" scripts/bench-compare.sh g1=target/coralmux-relay.jar …   # JVM flags per label
#   (else RELAY_JAVA_OPTS for all); LATENCY_S (default 10) is how long each latency step runs
#   SCENARIOS="throughput latency churn" (default: throughput latency; churn = 50 loops of connect,
#   auth, close and wait for the relay to close the connection, 10 s; standalone only)
# Each jar takes ~40 s per round on a 2-core machine (cross-node: ~70 s).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 label=relay.jar label=relay.jar [...]"; exit 2; }
ROUNDS=${ROUNDS:-2}
[ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
OUT=target/bench-compare; rm -rf "$OUT"; mkdir -p "$OUT"
B="taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080"
. scripts/lib/pinned-relay.sh
run() { # label jar[@conf] round
  local jar=${2%%@*} conf=conf/bench.json
  [[ "$2" == *@* ]] && conf=${2#*@}
  if [ -n "${CROSS_NODE:-}" ]; then
    local base=29080 dir=$(pwd)/$OUT/cluster
    RELAY_JAR=$(realpath "$jar") CLUSTER_DIR=$dir RELAY_CONFIG=$conf NODES=2 BASE_PORT=$base scripts/cluster-up.sh > "$OUT/$1-$3.log" 2>&1 \
      || { cat "$OUT/$1-$3.log"; exit 1; }
    trap "CLUSTER_DIR=$dir scripts/cluster-down.sh > /dev/null 2>&1" EXIT
    local C="taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:$((base + 1))
      --phone-url ws://127.0.0.1:$((base + 1))/ws --agent-url ws://127.0.0.1:$((base + 2))/ws"
    $C --out "$OUT/$1.json" throughput --pairs 100 --inflight 10 --size 1024 --duration 10
    $C --out "$OUT/$1.json" latency --pairs 1000 --size 1024 --rates 2000 --duration 10
    CLUSTER_DIR=$dir scripts/cluster-down.sh > /dev/null 2>&1
    return
  fi
  local opts="OPTS_$1"
  RELAY_JAVA_OPTS="${!opts:-${RELAY_JAVA_OPTS:-}}" start_relay "$jar" "$conf" "$OUT/$1-$3.log"
  for s in ${SCENARIOS:-throughput latency}; do
    case "$s" in
      throughput) $B --out "$OUT/$1.json" throughput --pairs 100 --inflight 10 --size 1024 --duration 10 ;;
      latency) $B --out "$OUT/$1.json" latency --pairs 1000 --size 1024 --rates 2000,10000 --duration "${LATENCY_S:-10}" ;;
      churn) $B --out "$OUT/$1.json" churn --concurrency 50 --duration 10 ;;
      *) echo "unknown scenario $s"; exit 2 ;;
    esac
  done
  stop_relay
}
for r in $(seq 1 "$ROUNDS"); do
  for arg in "$@"; do run "${arg%%=*}" "${arg#*=}" "$r"; done
done
# Medians per jar and step, in one table.
python3 - "$OUT" "$@" <<'PY'
import json, statistics, sys
out, labels = sys.argv[1], [a.split("=", 1)[0] for a in sys.argv[2:]]
print("| jar | scenario | offered/s | delivered/s (median) | p50 µs | p99 µs | p99.9 µs | runs |")
print("|---|---|---|---|---|---|---|---|")
for label in labels:
    groups = {}
    for r in json.load(open(f"{out}/{label}.json")):
        groups.setdefault((r["scenario"], r.get("offered_per_s", 0)), []).append(r)
    for (scenario, offered), rs in sorted(groups.items()):
        # churn reports per_s (connections a second) where the others report delivered_per_s
        med = lambda k: round(statistics.median(x.get(k, x.get("per_s", 0) if k == "delivered_per_s" else 0) for x in rs))
        print(f"| {label} | {scenario} | {offered:.0f} | {med('delivered_per_s')} | {med('p50_us')} | {med('p99_us')} | {med('p999_us')} | {len(rs)} |")
PY
