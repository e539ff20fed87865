#!/usr/bin/env bash
# Churn as an outsider measures it: 50 loops of connect → auth → close, each loop on its own token,
# each close waited for until the relay has closed the connection; 10 s per run, three runs on one
# fresh relay (cold, then warm twice), relay pinned to core 0 and the generator to core 1, labels
# interleaved over ROUNDS (default 2). Prints connections a second and the relay's CPU per connection
# during that run only (utime + stime from /proc: what an auth costs, whatever the wall clock does).
#   scripts/bench-churn.sh before=OLD.jar after=target/coralmux-relay.jar
#   RELAY_JAVA_OPTS="..." (default: the shipped -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=2 -XX:G1MaxNewSizePercent=10)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 label=relay.jar [...]"; exit 2; }
[ -f target/coralmux-relay-bench.jar ] || mvn -q -B package -DskipTests
export RELAY_ADMIN_KEY=bench-admin-key-not-for-production
OUT=target/bench-churn; mkdir -p "$OUT"
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=2 -XX:G1MaxNewSizePercent=10}
. scripts/lib/pinned-relay.sh
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
churn() { # one 10 s run against the relay with pid $1: "N/s  C µs CPU/connection"
  local t0 t1 out n hz
  hz=$(getconf CLK_TCK)
  t0=$(ticks "$1")
  out=$(taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080 churn --concurrency 50 --duration 10)
  t1=$(ticks "$1")
  n=$(echo "$out" | grep '"completed"' | tr -dc 0-9)
  echo "$(echo "$out" | grep '"per_s"' | tr -dc 0-9)/s $(( (t1 - t0) * 1000000 / hz / (n > 0 ? n : 1) )) µs CPU/conn"
}
for round in $(seq 1 "${ROUNDS:-2}"); do
  for arg in "$@"; do
    label=${arg%%=*}; jar=${arg#*=}
    start_relay "$jar" conf/bench.json "$OUT/$label-$round.log"
    echo "round $round $label | cold: $(churn "$RELAY") | warm: $(churn "$RELAY") | warm again: $(churn "$RELAY")"
    stop_relay
  done
done
