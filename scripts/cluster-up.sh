#!/usr/bin/env bash
# Starts a local CoralMux cluster on loopback: Redis, 3 relay JVMs (Hazelcast-clustered) and an
# nginx load balancer in front of them (WebSocket-aware, round robin, no sticky sessions).
#
#   scripts/cluster-up.sh            # then: cat target/cluster/endpoints.json
#   scripts/cluster-down.sh          # stops everything this started
#
# Environment: RELAY_ADMIN_KEY (generated if unset, kept in $CLUSTER_DIR/admin.key; likewise
# RELAY_INVITE_SECRET in $CLUSTER_DIR/invite.secret),
# BASE_PORT (default 18080: LB on it, nodes on +1..+3, Redis on +10, Hazelcast on +20..+22),
# CLUSTER_DIR (default target/cluster), NODES (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${CLUSTER_DIR:-$ROOT/target/cluster}
BASE=${BASE_PORT:-18080}
NODES=${NODES:-3}
JAR=$ROOT/target/coralmux-relay.jar

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

# Every port this script will use must be free: a port held by something else would look "up".
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports="$BASE $((BASE + 10))"
for i in $(seq 1 "$NODES"); do ports="$ports $((BASE + i)) $((BASE + 19 + i))"; done
for port in $ports; do
  if port_open "$port"; then echo "cluster-up: port $port is already in use; choose another BASE_PORT" >&2; exit 1; fi
done
if [ -z "${RELAY_ADMIN_KEY:-}" ]; then
  [ -s "$DIR/admin.key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/admin.key"
  RELAY_ADMIN_KEY=$(cat "$DIR/admin.key")
fi
# Every node must key invites with the same secret (see docs/configuration.md, invite.secret).
if [ -z "${RELAY_INVITE_SECRET:-}" ]; then
  [ -s "$DIR/invite.secret" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/invite.secret"
  RELAY_INVITE_SECRET=$(cat "$DIR/invite.secret")
fi

LB_PORT=$BASE
REDIS_PORT=$((BASE + 10))
members=""
for i in $(seq 1 "$NODES"); do members="${members:+$members,}127.0.0.1:$((BASE + 19 + i))"; done

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  > "$DIR/redis.log" 2>&1 &
echo $! > "$DIR/pids/redis.pid"

for i in $(seq 1 "$NODES"); do
  RELAY_HOST=127.0.0.1 RELAY_PORT=$((BASE + i)) RELAY_ADMIN_KEY=$RELAY_ADMIN_KEY \
  RELAY_INVITE_SECRET=$RELAY_INVITE_SECRET RELAY_DATA_DIR=$DIR/node-$i RELAY_CLUSTER=true RELAY_CLUSTER_HOST=127.0.0.1 \
  RELAY_HAZELCAST_PORT=$((BASE + 19 + i)) RELAY_HAZELCAST_MEMBERS=$members \
  RELAY_REDIS_URL=redis://127.0.0.1:$REDIS_PORT \
    java -Xmx512m -jar "$JAR" > "$DIR/node-$i.log" 2>&1 &
  echo $! > "$DIR/pids/node-$i.pid"
done

upstreams=""
for i in $(seq 1 "$NODES"); do upstreams="$upstreams    server 127.0.0.1:$((BASE + i)) max_fails=0;"$'\n'; done
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
    listen 127.0.0.1:$LB_PORT;
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
    }
  }
}
CONF
nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -g 'daemon off;' > "$DIR/nginx/stdout.log" 2>&1 &
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
await_up() { # name port log
  local pid
  pid=$(cat "$DIR/pids/$1.pid")
  until port_open "$2"; do
    kill -0 "$pid" 2>/dev/null || fail "$1 (pid $pid) exited before listening on port $2" "$3"
    [ $SECONDS -lt $deadline ] || fail "$1 did not listen on port $2 in time" "$3"
    echo "cluster-up: waiting for $1 on port $2" >&2
    sleep 1
  done
  kill -0 "$pid" 2>/dev/null || fail "$1 (pid $pid) is not running although port $2 is open" "$3"
}
await_up redis "$REDIS_PORT" "$DIR/redis.log"
for i in $(seq 1 "$NODES"); do await_up "node-$i" $((BASE + i)) "$DIR/node-$i.log"; done
await_up nginx "$LB_PORT" "$DIR/nginx/error.log"

nodes_json=""
for i in $(seq 1 "$NODES"); do nodes_json="${nodes_json:+$nodes_json, }\"http://127.0.0.1:$((BASE + i))\""; done
cat > "$DIR/endpoints.json" <<JSON
{"lb": "http://127.0.0.1:$LB_PORT", "nodes": [$nodes_json], "redis": "redis://127.0.0.1:$REDIS_PORT"}
JSON
echo "cluster up: load balancer http://127.0.0.1:$LB_PORT (ws://127.0.0.1:$LB_PORT/ws); details in $DIR/endpoints.json"
