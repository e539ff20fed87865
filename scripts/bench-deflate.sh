#!/usr/bin/env bash
# What permessage-deflate costs, in one run: memory per idle authenticated connection and
# closed-loop throughput, for (relay compression off | on) × (client offers deflate or not).
#   scripts/bench-deflate.sh [connections]     # results: target/bench-deflate/*.json
# Relay pinned to core 0, generator to core 1. Takes ~3 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
[ -f target/coralmux-relay.jar ] && [ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
OUT=target/bench-deflate; rm -rf "$OUT"; mkdir -p "$OUT"
python3 - conf/bench.json "$OUT/bench-compressed.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.setdefault("websocket", {})["compression"] = True
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
. scripts/lib/pinned-relay.sh
run() { # label relay-conf bench-flags
  start_relay target/coralmux-relay.jar "$2" "$OUT/$1.log"
  local B="taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080 --out $OUT/$1.json $3"
  $B idle --connections "$N" --relay-pid $RELAY
  $B throughput --pairs 100 --inflight 10 --size 1024 --duration 10
  stop_relay
}
run relay-off_client-plain conf/bench.json ""
run relay-off_client-deflate conf/bench.json "--deflate"
run relay-on_client-plain "$OUT/bench-compressed.json" ""
run relay-on_client-deflate "$OUT/bench-compressed.json" "--deflate"
python3 - "$OUT" <<'PY'
import json, glob, os, sys
print("| relay compression × client | heap B/conn | RSS B/conn | throughput msg/s | p50 µs | p99 µs |")
print("|---|---|---|---|---|---|")
for f in sorted(glob.glob(sys.argv[1] + "/relay-*.json")):
    rs = json.load(open(f)); idle = next(r for r in rs if r["scenario"] == "idle"); tp = next(r for r in rs if r["scenario"] == "throughput")
    print(f"| {os.path.basename(f)[:-5]} | {idle.get('heap_per_connection_bytes', '?')} | {idle.get('rss_per_connection_bytes', '?')} "
          f"| {round(tp['delivered_per_s'])} | {tp['p50_us']:.0f} | {tp['p99_us']:.0f} |")
PY
