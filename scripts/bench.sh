#!/usr/bin/env bash
# Runs every benchmark scenario against a standalone relay started with conf/bench.json (limits
# raised), each load also against the bare Vert.x baseline, then renders tables and charts.
#   scripts/bench.sh            # results: target/bench/results.json, charts: docs/bench/*.svg
# Takes ~10 minutes on a 2-core machine. The relay and the load generator share the cores.
# The load generator is its own jar (coralmux-relay-bench.jar): the relay jar ships no bench code.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/coralmux-relay.jar ] && [ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
JAR="java -jar target/coralmux-relay.jar"
rm -rf target/bench && mkdir -p target/bench
$JAR serve --config conf/bench.json > target/bench/relay.log 2>&1 &
RELAY=$!
trap 'kill $RELAY 2>/dev/null; wait $RELAY 2>/dev/null' EXIT
until (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; do sleep 0.2; done
B="java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080"
$B --baseline throughput --pairs 100 --inflight 10 --size 1024 --duration 10
$B --baseline throughput --pairs 1 --inflight 1 --size 1024 --duration 8
$B --baseline latency --pairs 100 --size 1024 --rates 1000,5000,25000,45000 --duration 8
$B --baseline capacity --pairs 1000 --size 1024 --rates 5000,10000,20000,30000,40000,50000 --step 8
# The relay's memory is read from outside its process (/proc and jcmd), hence its pid.
$B idle --connections 10000 --relay-pid $RELAY
$B churn --concurrency 50 --duration 10
$B report --charts docs/bench
