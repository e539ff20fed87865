# Sourced by the bench scripts: one relay at a time on 127.0.0.1:8080, pinned to core 0 (the
# load generator takes core 1), never left behind when a step fails.
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then echo "port 8080 is taken: stop what listens there first"; exit 1; fi

# start_relay JAR CONF LOG — sets RELAY to its pid once it listens; exits with the log if it dies.
start_relay() {
  rm -rf target/bench/data
  taskset -c 0 java ${RELAY_JAVA_OPTS:-} -jar "$1" serve --config "$2" > "$3" 2>&1 &
  RELAY=$!
  trap "kill $RELAY 2>/dev/null || true" EXIT
  until (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; do
    kill -0 $RELAY 2>/dev/null || { echo "relay died:"; tail -20 "$3"; exit 1; }
    sleep 0.2
  done
}

stop_relay() {
  kill $RELAY; wait $RELAY 2>/dev/null || true
}
