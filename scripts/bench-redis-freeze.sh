#!/usr/bin/env bash
# A frozen Redis under cross-node load (issue 15): two nodes + Redis from cluster-up.sh, 1,000
# pairs × 2 msg/s (phones on node 1, agents on node 2, generator pinned to core 1), and 22 s in
# Redis is stopped (SIGSTOP) for FREEZE_S seconds (default 3) — longer than redis.timeout_ms, so
# node 1 decides alone for a while and Redis then runs the calls it had queued. One line per run:
# what was sent, delivered, refused, neither (unaccounted), duplicated and reordered, the tail,
# and the reader node's repeats_skipped. Labels interleaved per round:
#   ROUNDS=3 scripts/bench-redis-freeze.sh before=OLD.jar head=target/coralmux-relay.jar
# (RELAY_CONFIG=conf/bench-no-history.json: the same with the history off)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 label=relay.jar [...]"; exit 2; }
[ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
OUT=target/bench-redis-freeze; rm -rf "$OUT"; mkdir -p "$OUT"
BASE=29080

run() { # label jar round
  local dir; dir=$(pwd)/$OUT/$1-$3
  RELAY_JAR=$(realpath "$2") CLUSTER_DIR=$dir/cluster RELAY_CONFIG=${RELAY_CONFIG:-conf/bench.json} NODES=2 BASE_PORT=$BASE \
    scripts/cluster-up.sh > "$dir.up.log" 2>&1 || { cat "$dir.up.log"; exit 1; }
  trap "kill -CONT \$(cat $dir/cluster/pids/redis.pid) 2>/dev/null; CLUSTER_DIR=$dir/cluster scripts/cluster-down.sh > /dev/null 2>&1" EXIT
  local redis; redis=$(cat "$dir/cluster/pids/redis.pid")
  ( sleep 22; kill -STOP "$redis"; sleep "${FREEZE_S:-3}"; kill -CONT "$redis" ) &
  taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:$((BASE + 1)) \
    --phone-url ws://127.0.0.1:$((BASE + 1))/ws --agent-url ws://127.0.0.1:$((BASE + 2))/ws --out "$dir.json" \
    latency --pairs 1000 --size 1024 --rates 2000 --warmup 5 --duration 25 > /dev/null
  wait
  local skipped; skipped=$(curl -s http://127.0.0.1:$((BASE + 2))/health \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["history"]["repeats_skipped"])')
  CLUSTER_DIR=$dir/cluster scripts/cluster-down.sh > /dev/null 2>&1
  trap - EXIT
  python3 - "$dir.json" "$1" "$skipped" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
refused = sum(r["errors"].values())
unique = r["delivered"] - r["duplicated"]
print(f'{sys.argv[2]:8} sent {r["sent"]:6} delivered {unique:6} refused {refused:5} '
      f'unaccounted {r["sent"] - unique - refused:6} dup {r["duplicated"]:5} reordered {r["reordered"]:5} '
      f'p50 {r["p50_us"] / 1000:8.1f} ms p99 {r["p99_us"] / 1000:8.1f} ms window {r["delivered_per_s"]:7.1f}/s '
      f'repeats_skipped {sys.argv[3]}')
PY
}

for round in $(seq 1 "${ROUNDS:-1}"); do
  for arg in "$@"; do run "${arg%%=*}" "${arg#*=}" "$round"; done
done
