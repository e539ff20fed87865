#!/usr/bin/env bash
# Stops everything scripts/cluster-up.sh started (same CLUSTER_DIR), and its namespaces if NETNS=1.
set -uo pipefail
cd "$(dirname "$0")/.."
DIR=${CLUSTER_DIR:-$(pwd)/target/cluster}
shopt -s nullglob
pids=()
for f in "$DIR"/pids/*.pid; do
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null && pids+=("$pid")
  rm -f "$f"
done
# Give each process up to 15 s to stop cleanly, then kill what is left.
for _ in $(seq 1 75); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ $alive -eq 0 ] && break
  sleep 0.2
done
for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
# NETNS=1: the hosts go too (and anything still running on them).
if [ -f "$DIR/netns.env" ]; then
  # shellcheck disable=SC1091
  . "$DIR/netns.env"
  export NETNS_PREFIX NETNS_SUBNET
  . "$(pwd)/scripts/lib/netns.sh"
  netns_all_down
  rm -f "$DIR/netns.env"
fi
echo "cluster down"
