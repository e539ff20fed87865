# Sourced by the cluster and partition scripts: separate hosts on one machine. Each host is a
# network namespace named "$NETNS_PREFIX-<name>" with one interface (eth0, a veth) on a bridge
# "${NETNS_PREFIX}br" in the root namespace, which holds $NETNS_SUBNET.1 so this machine (the test,
# the operator's shell) reaches every host. No route leads anywhere else: traffic only ever goes
# to addresses inside these namespaces. Needs root and iproute2 (iptables for partitions).
#
#   NETNS_PREFIX  up to 6 characters, names everything this creates (default cmx)
#   NETNS_SUBNET  the first three octets of a /24 no interface here uses (default 10.231.0)
NETNS_PREFIX=${NETNS_PREFIX:-cmx}
NETNS_SUBNET=${NETNS_SUBNET:-10.231.0}
NETNS_BRIDGE="${NETNS_PREFIX}br"

netns_name() { echo "$NETNS_PREFIX-$1"; }

# netns_check: fails with one line when this machine cannot make namespaces or the names are taken.
netns_check() {
  command -v ip >/dev/null 2>&1 || { echo "netns: ip is not installed (apt-get install -y iproute2)" >&2; return 1; }
  [ "$(id -u)" = 0 ] || { echo "netns: network namespaces need root" >&2; return 1; }
  [ ${#NETNS_PREFIX} -le 6 ] || { echo "netns: NETNS_PREFIX must be at most 6 characters" >&2; return 1; }
  if ip link show "$NETNS_BRIDGE" >/dev/null 2>&1; then
    echo "netns: bridge $NETNS_BRIDGE exists; run the matching down script or choose another NETNS_PREFIX" >&2
    return 1
  fi
  if ip -4 addr show | grep -q "inet $NETNS_SUBNET\."; then
    echo "netns: subnet $NETNS_SUBNET.0/24 is in use here; choose another NETNS_SUBNET" >&2
    return 1
  fi
}

netns_bridge_up() {
  ip link add "$NETNS_BRIDGE" type bridge
  ip addr add "$NETNS_SUBNET.1/24" dev "$NETNS_BRIDGE"
  ip link set "$NETNS_BRIDGE" up
}

# netns_host_up NAME OCTET — a host NAME at $NETNS_SUBNET.OCTET, on the bridge.
netns_host_up() {
  local ns veth
  ns=$(netns_name "$1")
  veth="${NETNS_PREFIX}v$2" # host side; at most 6 + 1 + 3 characters
  ip netns add "$ns"
  ip link add "$veth" type veth peer name "${veth}p"
  ip link set "${veth}p" netns "$ns"
  ip -n "$ns" link set "${veth}p" name eth0
  ip -n "$ns" addr add "$NETNS_SUBNET.$2/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip link set "$veth" master "$NETNS_BRIDGE" up
}

# netns_all_down — removes every namespace with this prefix and the bridge (their veths go too).
netns_all_down() {
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep "^$NETNS_PREFIX-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del "$NETNS_BRIDGE" 2>/dev/null || true
}
