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
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then echo "port 8080 is taken: stop what listens there first"; exit 1; fi
run() { # label relay-conf bench-flags
  rm -rf target/bench/data
  taskset -c 0 java -jar target/coralmux-relay.jar serve --config "$2" > "$OUT/$1.log" 2>&1 &
  local relay=$!
  trap "kill $relay 2>/dev/null || true" EXIT # never leave a relay behind, even when a step fails
  until (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; do
    kill -0 $relay 2>/dev/null || { echo "relay $1 died:"; tail -20 "$OUT/$1.log"; exit 1; }
    sleep 0.2
  done
  local B="taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080 --out $OUT/$1.json $3"
  $B idle --connections "$N" --relay-pid $relay
  $B throughput --pairs 100 --inflight 10 --size 1024 --duration 10
  kill $relay; wait $relay 2>/dev/null || true
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
