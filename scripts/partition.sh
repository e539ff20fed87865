#!/usr/bin/env bash
# Cuts one host of a NETNS=1 cluster (scripts/cluster-up.sh) off from others, and heals it.
# Packets are dropped with iptables inside the host's own namespace — nothing outside the
# cluster's namespaces is touched — so the processes keep running and see a silent network, as
# in a real partition (no RST, no FIN), not a crash.
#
#   scripts/partition.sh cut node1                     # node1 from every other host and the clients
#   scripts/partition.sh cut node1 --from node2,node3  # from the other relays only (Hazelcast)
#   scripts/partition.sh cut node1 --from redis        # from Redis only
#   scripts/partition.sh cut node1 --from redis --way out --loss 30   # 30% of what it sends to Redis
#   scripts/partition.sh break-bus node2 --to node1    # node2's event-bus connections to node1 are reset
#   scripts/partition.sh heal node1                    # (or: heal all)
#   scripts/partition.sh show
#
# Hosts: node1..nodeN, redis, lb, and clients (this machine, where tests and curl run).
# --way both (default) drops both directions, in only what the host receives, out what it sends.
# break-bus is not silent: every TCP connection the host opens to the others' event-bus ports (not
# Hazelcast's 5701, not the WebSocket port) is reset (RST) until healed — what the event bus had on
# its way there is lost, as when a connection breaks, while every node stays a cluster member.
# Default --to: every other node.
# Environment: CLUSTER_DIR (default target/cluster), as for cluster-up.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${CLUSTER_DIR:-$(pwd)/target/cluster}
[ -f "$DIR/netns.env" ] || { echo "partition: no NETNS=1 cluster in $DIR (start one with NETNS=1 scripts/cluster-up.sh)" >&2; exit 1; }
# shellcheck disable=SC1091
. "$DIR/netns.env"
export NETNS_PREFIX NETNS_SUBNET
. scripts/lib/netns.sh
CHAIN=CMXPART

addr_of() {
  case "$1" in
    redis) echo "$NETNS_SUBNET.10" ;;
    lb) echo "$NETNS_SUBNET.20" ;;
    clients) echo "$NETNS_SUBNET.1" ;;
    node[0-9]*) echo "$NETNS_SUBNET.$((10 + ${1#node}))" ;;
    *) echo "partition: unknown host $1 (node1.., redis, lb, clients)" >&2; exit 2 ;;
  esac
}
hosts() { ip netns list | awk '{print $1}' | sed -n "s/^$NETNS_PREFIX-//p"; }
in_ns() { local h=$1; shift; ip netns exec "$(netns_name "$h")" "$@"; }
# The TCP ports node $1 listens on besides its WebSocket/HTTP port (8080) and Hazelcast's (5701):
# its event bus's (Vert.x picks it at random).
bus_ports() { in_ns "$1" ss -Htln | awk '{ n = split($4, a, ":"); p = a[n]; if (p != 8080 && p != 5701) print p }' | sort -u; }

heal() {
  in_ns "$1" iptables -D INPUT -j $CHAIN 2>/dev/null || true
  in_ns "$1" iptables -D OUTPUT -j $CHAIN 2>/dev/null || true
  in_ns "$1" iptables -F $CHAIN 2>/dev/null || true
  in_ns "$1" iptables -X $CHAIN 2>/dev/null || true
}

cmd=${1:-}; host=${2:-}
case "$cmd" in
  cut)
    [ -n "$host" ] || { echo "usage: partition.sh cut HOST [--from H1,H2] [--way both|in|out] [--loss PCT]" >&2; exit 2; }
    addr_of "$host" >/dev/null
    shift 2
    from="" way=both loss=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --from) from=$2; shift 2 ;;
        --way) way=$2; shift 2 ;;
        --loss) loss=$2; shift 2 ;;
        *) echo "partition: unknown option $1" >&2; exit 2 ;;
      esac
    done
    if [ -z "$from" ]; then from="clients,$(hosts | grep -vx "$host" | paste -sd,)"; fi
    match=()
    if [ -n "$loss" ]; then
      match=(-m statistic --mode random --probability "$(awk "BEGIN { print $loss / 100 }")")
    fi
    in_ns "$host" iptables -N $CHAIN 2>/dev/null || true
    in_ns "$host" iptables -C INPUT -j $CHAIN 2>/dev/null || in_ns "$host" iptables -I INPUT -j $CHAIN
    in_ns "$host" iptables -C OUTPUT -j $CHAIN 2>/dev/null || in_ns "$host" iptables -I OUTPUT -j $CHAIN
    for other in ${from//,/ }; do
      a=$(addr_of "$other")
      [ "$way" = out ] || in_ns "$host" iptables -A $CHAIN -s "$a" "${match[@]}" -j DROP
      [ "$way" = in ] || in_ns "$host" iptables -A $CHAIN -d "$a" "${match[@]}" -j DROP
    done
    echo "partition: $host cut from $from (${way}${loss:+, $loss% loss})"
    ;;
  break-bus)
    [ -n "$host" ] || { echo "usage: partition.sh break-bus HOST [--to H1,H2]" >&2; exit 2; }
    addr_of "$host" >/dev/null
    shift 2
    to=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --to) to=$2; shift 2 ;;
        *) echo "partition: unknown option $1" >&2; exit 2 ;;
      esac
    done
    if [ -z "$to" ]; then to="$(hosts | grep '^node' | grep -vx "$host" | paste -sd,)"; fi
    in_ns "$host" iptables -N $CHAIN 2>/dev/null || true
    in_ns "$host" iptables -C OUTPUT -j $CHAIN 2>/dev/null || in_ns "$host" iptables -I OUTPUT -j $CHAIN
    for other in ${to//,/ }; do
      # By the other node's event-bus port (random, read from its listeners), not by connection
      # direction: conntrack picks up a connection it did not see open with whichever packet it
      # sees first as "original", which once reset a Hazelcast connection here.
      ports=$(bus_ports "$other")
      [ -n "$ports" ] || { echo "partition: no event-bus listener found on $other" >&2; exit 1; }
      for p in $ports; do
        in_ns "$host" iptables -A $CHAIN -d "$(addr_of "$other")" -p tcp --dport "$p" -j REJECT --reject-with tcp-reset
      done
    done
    echo "partition: $host's event-bus connections to $to reset until healed"
    ;;
  heal)
    [ -n "$host" ] || { echo "usage: partition.sh heal HOST|all" >&2; exit 2; }
    if [ "$host" = all ]; then for h in $(hosts); do heal "$h"; done; else addr_of "$host" >/dev/null; heal "$host"; fi
    echo "partition: $host healed"
    ;;
  show)
    for h in $(hosts); do
      rules=$(in_ns "$h" iptables -S $CHAIN 2>/dev/null | grep -cE -- '-j (DROP|REJECT)' || true)
      echo "$h $(addr_of "$h") ${rules:-0} rules"
    done
    ;;
  *) echo "usage: partition.sh cut|break-bus|heal|show ..." >&2; exit 2 ;;
esac
