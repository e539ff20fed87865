#!/usr/bin/env bash
# Builds the jar if needed and runs the relay in standalone mode with conf/relay.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/coralmux-relay.jar ] || mvn -q -B package -DskipTests
exec java -jar target/coralmux-relay.jar "$@"
