#!/usr/bin/env bash
# Relay jars compared in one run: the same load generator against each, in turn (A B C A B C …)
# so a noisy machine hits all alike. Relay pinned to core 0, generator to core 1 (taskset).
#   scripts/bench-compare.sh before=OLD.jar after=target/coralmux-relay.jar   # results: target/bench-compare/
#   ROUNDS=3 scripts/bench-compare.sh …                                     # default 2 rounds
# Each jar takes ~40 s per round on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 label=relay.jar label=relay.jar [...]"; exit 2; }
ROUNDS=${ROUNDS:-2}
[ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
OUT=target/bench-compare; rm -rf "$OUT"; mkdir -p "$OUT"
B="taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080"
. scripts/lib/pinned-relay.sh
run() { # label jar round
  start_relay "$2" conf/bench.json "$OUT/$1-$3.log"
  $B --out "$OUT/$1.json" throughput --pairs 100 --inflight 10 --size 1024 --duration 10
  $B --out "$OUT/$1.json" latency --pairs 1000 --size 1024 --rates 2000,10000 --duration 10
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
        groups.setdefault((r["scenario"], r["offered_per_s"]), []).append(r)
    for (scenario, offered), rs in sorted(groups.items()):
        med = lambda k: round(statistics.median(x[k] for x in rs))
        print(f"| {label} | {scenario} | {offered:.0f} | {med('delivered_per_s')} | {med('p50_us')} | {med('p99_us')} | {med('p999_us')} | {len(rs)} |")
PY
