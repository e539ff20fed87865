#!/usr/bin/env bash
# Churn as an outsider measures it: 50 loops of connect → auth → close, each loop on its own token,
# each close waited for until the relay has closed the connection; 10 s per run, three runs on one
# fresh relay (cold, then warm twice), relay pinned to core 0 and the generator to core 1, labels
# interleaved over ROUNDS (default 2). Prints the start-up time ("listening after"), then per run the
# connections a second and the relay's CPU per connection during that run only (utime + stime from
# /proc: what an auth costs, whatever the wall clock does), and at least the share of it the JIT
# compiler threads took (a cold JVM compiles while it serves).
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
jit_ticks() { # "tid ticks" of each JIT compiler thread (C1, C2) of process $1
  local t
  for t in /proc/"$1"/task/*; do
    grep -q '^C[12] CompilerThre' "$t/comm" 2>/dev/null && echo "${t##*/} $(awk '{print $14 + $15}' "$t/stat")"
  done
}
jit_delta() { # ticks the compiler threads alive at the end spent since snapshot $1 (a thread that exited
  # meanwhile is not counted: a lower bound)
  awk 'NR == FNR { before[$1] = $2; next } { d += $2 - ($1 in before ? before[$1] : 0) } END { print d + 0 }' "$1" "$2"
}
churn() { # one 10 s run against the relay with pid $1: "N/s  C µs CPU/connection"
  local t0 t1 out n hz
  hz=$(getconf CLK_TCK)
  t0=$(ticks "$1"); jit_ticks "$1" > "$OUT/jit0"
  out=$(taskset -c 1 java -jar target/coralmux-relay-bench.jar --relay http://127.0.0.1:8080 churn --concurrency 50 --duration 10)
  t1=$(ticks "$1"); jit_ticks "$1" > "$OUT/jit1"
  n=$(echo "$out" | grep '"completed"' | tr -dc 0-9)
  echo "$(echo "$out" | grep '"per_s"' | tr -dc 0-9)/s $(( (t1 - t0) * 1000000 / hz / (n > 0 ? n : 1) )) µs CPU/conn (≥ $(( $(jit_delta "$OUT/jit0" "$OUT/jit1") * 100 / (t1 - t0 > 0 ? t1 - t0 : 1) ))% JIT)"
}
for round in $(seq 1 "${ROUNDS:-2}"); do
  for arg in "$@"; do
    label=${arg%%=*}; jar=${arg#*=}
    t0=$(date +%s%N)
    start_relay "$jar" conf/bench.json "$OUT/$label-$round.log"
    up=$(( ($(date +%s%N) - t0) / 1000000 ))
    echo "round $round $label | listening after $up ms | cold: $(churn "$RELAY") | warm: $(churn "$RELAY") | warm again: $(churn "$RELAY")"
    stop_relay
  done
done
