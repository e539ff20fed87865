#!/usr/bin/env bash
# Starts a local CoralMux cluster: Redis, 3 relay JVMs (Hazelcast-clustered) and an nginx load
# balancer in front of them (WebSocket-aware, round robin, no sticky sessions).
#
#   scripts/cluster-up.sh            # then: cat target/cluster/endpoints.json
#   scripts/cluster-down.sh          # stops everything this started
#
# By default every process listens on loopback, on ports from BASE_PORT. With NETNS=1 each runs
# on a host of its own — a network namespace on a bridge (scripts/lib/netns.sh; needs root):
# Redis at $NETNS_SUBNET.10, node i at .(10+i), the load balancer at .20, each on its usual
# ports (8080, 5701, 6379), so scripts/partition.sh can cut any of them off with iptables.
#
# Environment: RELAY_ADMIN_KEY (generated if unset, kept in $CLUSTER_DIR/admin.key; likewise
# RELAY_INVITE_SECRET in $CLUSTER_DIR/invite.secret),
# BASE_PORT (default 18080: LB on it, nodes on +1..+3, Redis on +10, Hazelcast on +20..+22),
# CLUSTER_DIR (default target/cluster), NODES (default 3), NETNS (default 0), NETNS_PREFIX,
# NETNS_SUBNET (see scripts/lib/netns.sh), RELAY_JAVA_OPTS (default -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=2 -XX:G1MaxNewSizePercent=10),
# RELAY_JAR (default target/coralmux-relay.jar), RELAY_CONFIG (default conf/relay.json: every node's config).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${CLUSTER_DIR:-$ROOT/target/cluster}
BASE=${BASE_PORT:-18080}
NODES=${NODES:-3}
JAR=${RELAY_JAR:-$ROOT/target/coralmux-relay.jar}

need() { command -v "$1" >/dev/null 2>&1 || { echo "cluster-up: $1 is not installed (apt-get install -y $2)" >&2; exit 1; }; }
need redis-server redis-server
need nginx nginx
need java openjdk-17-jre-headless
[ -f "$JAR" ] || mvn -q -B package -DskipTests

if [ -d "$DIR/pids" ] && ls "$DIR"/pids/*.pid >/dev/null 2>&1; then
  echo "cluster-up: a cluster from $DIR seems to be running; run scripts/cluster-down.sh first" >&2
  exit 1
fi
mkdir -p "$DIR/pids" "$DIR/nginx"
rm -f "$DIR"/*.log "$DIR"/nginx/*.log # this run's logs only

if [ "${NETNS:-0}" = 1 ]; then
  # shellcheck source=lib/netns.sh
  . "$ROOT/scripts/lib/netns.sh"
  netns_check
  trap 'echo "cluster-up: failed; removing what it made" >&2; "$ROOT/scripts/cluster-down.sh" >/dev/null 2>&1' ERR
  echo "NETNS_PREFIX=$NETNS_PREFIX NETNS_SUBNET=$NETNS_SUBNET" > "$DIR/netns.env"
  netns_bridge_up
  netns_host_up redis 10
  netns_host_up lb 20
  for i in $(seq 1 "$NODES"); do netns_host_up "node$i" $((10 + i)); done
  REDIS_ADDR=$NETNS_SUBNET.10 REDIS_PORT=6379 LB_ADDR=$NETNS_SUBNET.20 LB_PORT=8080
  node_addr() { echo "$NETNS_SUBNET.$((10 + $1))"; }
  node_port() { echo 8080; }
  hz_port() { echo 5701; }
  on() { local host=$1; shift; exec ip netns exec "$(netns_name "$host")" "$@"; }
  TRUSTED_PROXIES="[\"$LB_ADDR\"]" # the nodes believe the LB's X-Forwarded-For (per-IP limits)
  # Off loopback, Redis wants a password (protected mode): one per cluster, kept beside the logs.
  [ -s "$DIR/redis.password" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/redis.password"
  REDIS_ARGS=(--requirepass "$(cat "$DIR/redis.password")")
  export RELAY_REDIS_PASSWORD
  RELAY_REDIS_PASSWORD=$(cat "$DIR/redis.password")
else
  REDIS_ADDR=127.0.0.1 REDIS_PORT=$((BASE + 10)) LB_ADDR=127.0.0.1 LB_PORT=$BASE
  node_addr() { echo 127.0.0.1; }
  node_port() { echo $((BASE + $1)); }
  hz_port() { echo $((BASE + 19 + $1)); }
  on() { shift; exec "$@"; }
  TRUSTED_PROXIES="[]"
  REDIS_ARGS=()
  # Every port this script will use must be free: a port held by something else would look "up".
  ports="$LB_PORT $REDIS_PORT"
  for i in $(seq 1 "$NODES"); do ports="$ports $(node_port "$i") $(hz_port "$i")"; done
  for port in $ports; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "cluster-up: port $port is already in use; choose another BASE_PORT" >&2
      exit 1
    fi
  done
fi
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
# `on HOST COMMAND… &` runs COMMAND on HOST; always in the background: it execs, so $! is the
# command's own pid (what cluster-down.sh, kill -9 and SIGSTOP in the tests must reach).
if [ -z "${RELAY_ADMIN_KEY:-}" ]; then
  [ -s "$DIR/admin.key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/admin.key"
  RELAY_ADMIN_KEY=$(cat "$DIR/admin.key")
fi
# Every node must key invites with the same secret (see docs/configuration.md, invite.secret).
if [ -z "${RELAY_INVITE_SECRET:-}" ]; then
  [ -s "$DIR/invite.secret" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/invite.secret"
  RELAY_INVITE_SECRET=$(cat "$DIR/invite.secret")
fi

members=""
for i in $(seq 1 "$NODES"); do members="${members:+$members,}$(node_addr "$i"):$(hz_port "$i")"; done
# The relay's own defaults (or RELAY_CONFIG's), but for the load balancer it must trust (netns mode only).
RELAY_CONF_SOURCE=${RELAY_CONFIG:-$ROOT/conf/relay.json}
sed "s|\"trusted_proxies\": \[\]|\"trusted_proxies\": $TRUSTED_PROXIES|" "$RELAY_CONF_SOURCE" > "$DIR/relay.json"

on redis redis-server --port "$REDIS_PORT" --bind "$REDIS_ADDR" --save "" --appendonly no --daemonize no "${REDIS_ARGS[@]}" \
  > "$DIR/redis.log" 2>&1 &
echo $! > "$DIR/pids/redis.pid"

for i in $(seq 1 "$NODES"); do
  RELAY_CONFIG=$DIR/relay.json RELAY_HOST=$(node_addr "$i") RELAY_PORT=$(node_port "$i") RELAY_ADMIN_KEY=$RELAY_ADMIN_KEY \
  RELAY_INVITE_SECRET=$RELAY_INVITE_SECRET RELAY_DATA_DIR=$DIR/node-$i RELAY_CLUSTER=true RELAY_CLUSTER_HOST=$(node_addr "$i") \
  RELAY_HAZELCAST_PORT=$(hz_port "$i") RELAY_HAZELCAST_MEMBERS=$members \
  RELAY_REDIS_URL=redis://$REDIS_ADDR:$REDIS_PORT \
    on "node$i" java ${RELAY_JAVA_OPTS:--Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=2 -XX:G1MaxNewSizePercent=10} -jar "$JAR" > "$DIR/node-$i.log" 2>&1 &
  echo $! > "$DIR/pids/node-$i.pid"
done

upstreams=""
for i in $(seq 1 "$NODES"); do upstreams="$upstreams    server $(node_addr "$i"):$(node_port "$i") max_fails=0;"$'\n'; done
cat > "$DIR/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx/body;
  proxy_temp_path $DIR/nginx/proxy;
  fastcgi_temp_path $DIR/nginx/fastcgi;
  uwsgi_temp_path $DIR/nginx/uwsgi;
  scgi_temp_path $DIR/nginx/scgi;
  # Only WebSocket upgrades are passed on (not e.g. h2c, which nginx cannot proxy).
  map \$http_upgrade \$ws_upgrade { ~*^websocket\$ websocket; default ''; }
  map \$ws_upgrade \$connection_upgrade { websocket upgrade; default ''; }
  upstream relays {
$upstreams  }
  server {
    listen $LB_ADDR:$LB_PORT;
    location / {
      proxy_pass http://relays;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$ws_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_next_upstream error timeout;
      # A node cut off by a partition must not hold a new client for nginx's default 60 s.
      proxy_connect_timeout 2s;
    }
  }
}
CONF
on lb nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -g 'daemon off;' > "$DIR/nginx/stdout.log" 2>&1 &
echo $! > "$DIR/pids/nginx.pid"

# Wait until every process answers on its port. A loaded machine is slow, not broken: the nodes
# themselves retry Redis until cluster.start_deadline_s. A process that dies fails the whole
# start at once, with the end of its log.
deadline=$((SECONDS + ${CLUSTER_UP_TIMEOUT_S:-180}))
fail() {
  echo "cluster-up: $1; last lines of $2:" >&2
  tail -n 30 "$2" >&2 || true
  "$ROOT/scripts/cluster-down.sh" >/dev/null 2>&1 || true
  exit 1
}
await_up() { # name address port log
  local pid
  pid=$(cat "$DIR/pids/$1.pid")
  until port_open "$2" "$3"; do
    kill -0 "$pid" 2>/dev/null || fail "$1 (pid $pid) exited before listening on $2:$3" "$4"
    [ $SECONDS -lt $deadline ] || fail "$1 did not listen on $2:$3 in time" "$4"
    echo "cluster-up: waiting for $1 on $2:$3" >&2
    sleep 1
  done
  kill -0 "$pid" 2>/dev/null || fail "$1 (pid $pid) is not running although $2:$3 is open" "$4"
}
await_up redis "$REDIS_ADDR" "$REDIS_PORT" "$DIR/redis.log"
for i in $(seq 1 "$NODES"); do await_up "node-$i" "$(node_addr "$i")" "$(node_port "$i")" "$DIR/node-$i.log"; done
await_up nginx "$LB_ADDR" "$LB_PORT" "$DIR/nginx/error.log"

nodes_json=""
for i in $(seq 1 "$NODES"); do nodes_json="${nodes_json:+$nodes_json, }\"http://$(node_addr "$i"):$(node_port "$i")\""; done
cat > "$DIR/endpoints.json" <<JSON
{"lb": "http://$LB_ADDR:$LB_PORT", "nodes": [$nodes_json], "redis": "redis://$REDIS_ADDR:$REDIS_PORT"}
JSON
echo "cluster up: load balancer http://$LB_ADDR:$LB_PORT (ws://$LB_ADDR:$LB_PORT/ws); details in $DIR/endpoints.json"
