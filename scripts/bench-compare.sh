#!/usr/bin/env bash
# Before/after in one run: two relay jars, the same load generator, alternating A B A B so a
# noisy machine hits both alike. Relay pinned to core 0, generator to core 1 (taskset).
#   scripts/bench-compare.sh BEFORE.jar AFTER.jar [rounds]   # results: target/bench-compare/
# Takes ~1.5 minutes per round on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:?before jar}; AFTER=${2:?after jar}; ROUNDS=${3:-2}
[ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
OUT=target/bench-compare; rm -rf "$OUT"; mkdir -p "$OUT"
B="taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080"
run() { # label jar round
  rm -rf target/bench/data
  taskset -c 0 java -jar "$2" serve --config conf/bench.json > "$OUT/$1-$3.log" 2>&1 &
  local relay=$!
  until (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; do
    kill -0 $relay 2>/dev/null || { echo "relay $1 died:"; tail -20 "$OUT/$1-$3.log"; exit 1; }
    sleep 0.2
  done
  $B --out "$OUT/$1.json" throughput --pairs 100 --inflight 10 --size 1024 --duration 10
  $B --out "$OUT/$1.json" latency --pairs 1000 --size 1024 --rates 2000,10000 --duration 10
  kill $relay; wait $relay 2>/dev/null || true
}
for r in $(seq 1 "$ROUNDS"); do run before "$BEFORE" "$r"; run after "$AFTER" "$r"; done
echo "results: $OUT/before.json $OUT/after.json"
