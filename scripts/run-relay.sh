#!/usr/bin/env bash
# Builds the jar if needed and runs the relay in standalone mode with conf/relay.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/coralmux-relay.jar ] || mvn -q -B package -DskipTests
# G1 with a 10 ms pause goal unless RELAY_JAVA_OPTS says otherwise (docs/BENCHMARKS.md, "JVM flags").
exec java ${RELAY_JAVA_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=2 -XX:G1MaxNewSizePercent=10} -jar target/coralmux-relay.jar "$@"
