#!/usr/bin/env bash
# Local Apache Kafka 4.x (KRaft) without Docker: one node (broker+controller) by default, or with
# KAFKA_CLUSTER_SIZE=3 a replicated cluster of three controllers and three brokers.
# Jars come from Maven Central through pom.xml (mvn); needs Java 17+ and Maven.
#
#   scripts/kafka/kafka.sh start        start (idempotent) and wait until the Admin API answers
#   scripts/kafka/kafka.sh stop         SIGTERM, wait up to 30 s, then SIGKILL
#   scripts/kafka/kafka.sh status       exit 0 = running+ready, 1 = running but not ready, 3 = stopped
#   scripts/kafka/kafka.sh ensure-jars  (re)download jars into .build/lib when missing or pom.xml changed
# With KAFKA_CLUSTER_SIZE=3 (brokers 1-3 on 127.0.0.1:9092/9094/9096, controllers 11-13 on 9093/9095/9097, data under
# scripts/kafka/.data-cluster/<node>, topics RF 3 and min.insync.replicas 2 by default, unclean election off):
#   start | stop | status               the whole cluster (start waits until three brokers answer)
#   start-node <n> | stop-node <n>      one node: broker-1..3 or controller-1..3 (the fault suites restart them)
#   pid <n>                             the node's pid (the fault suites SIGKILL it)
#
# Environment:
#   KAFKA_PORT             client port (default 9092), bootstrap = 127.0.0.1:$KAFKA_PORT
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   KAFKA_DATA_DIR         data, logs, pid, cluster id, effective config (default scripts/kafka/.data)
#   KAFKA_CLUSTER_ID       cluster id used when formatting a fresh data dir (default: generated, kept in data dir)
#   KAFKA_START_TIMEOUT    seconds to wait for readiness on start (default 90)
#   KAFKA_HEAP_OPTS        broker heap (default -Xms256m -Xmx512m)
#   KAFKA_JAVA_OPTS        extra JVM options for the broker
#   KAFKA_LIB_DIR          jar folder (default scripts/kafka/.build/lib)
#   KAFKA_CLUSTER_SIZE     1 (default) or 3; KAFKA_CLUSTER_DIR: the cluster's data (default scripts/kafka/.data-cluster);
#                          KAFKA_CLUSTER_BASE_PORT: its first broker's port (default 9092)
# Set per node by the cluster mode (defaults: the single node): KAFKA_NODE_ID, KAFKA_PROCESS_ROLES,
# KAFKA_QUORUM_VOTERS, KAFKA_RF, KAFKA_MIN_ISR, KAFKA_NO_WAIT (1: start without waiting for readiness).
set -euo pipefail

KAFKA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_DIR/.data}"
KAFKA_LIB_DIR="${KAFKA_LIB_DIR:-$KAFKA_DIR/.build/lib}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_JAVA_OPTS="${KAFKA_JAVA_OPTS:-}"
KAFKA_CLUSTER_SIZE="${KAFKA_CLUSTER_SIZE:-1}"
KAFKA_CLUSTER_DIR="${KAFKA_CLUSTER_DIR:-$KAFKA_DIR/.data-cluster}"
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_PROCESS_ROLES="${KAFKA_PROCESS_ROLES:-broker,controller}"
KAFKA_QUORUM_VOTERS="${KAFKA_QUORUM_VOTERS:-$KAFKA_NODE_ID@127.0.0.1:$KAFKA_CONTROLLER_PORT}"
KAFKA_RF="${KAFKA_RF:-1}"
KAFKA_MIN_ISR="${KAFKA_MIN_ISR:-1}"
KAFKA_NO_WAIT="${KAFKA_NO_WAIT:-0}"
STOP_TIMEOUT=30
HOST=127.0.0.1
BOOTSTRAP="$HOST:$KAFKA_PORT"

POM="$KAFKA_DIR/pom.xml"
TEMPLATE="$KAFKA_DIR/server.properties"
LOG4J_CONFIG="$KAFKA_DIR/log4j2.properties"
READY_SRC="$KAFKA_DIR/Ready.java"
POM_HASH_FILE="$KAFKA_LIB_DIR/.pom.sha256"
LOG_DIR="$KAFKA_DATA_DIR/logs"
CONFIG="$KAFKA_DATA_DIR/server.properties"
PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
CLUSTER_ID_FILE="$KAFKA_DATA_DIR/cluster.id"
OUT_FILE="$LOG_DIR/kafka.out"
SERVER_LOG="$LOG_DIR/server.log"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { echo "[kafka] $*"; }
die() { echo "[kafka] ERROR: $*" >&2; exit 1; }

now_ms() { date +%s%3N; }
elapsed() { local s=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((s / 1000)) $(((s % 1000) / 100)); }

# ---------------------------------------------------------------- jars
pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

jars_ok() {
  [[ -f "$POM_HASH_FILE" ]] || return 1
  compgen -G "$KAFKA_LIB_DIR/kafka_2.13-*.jar" >/dev/null || return 1
  [[ "$(cat "$POM_HASH_FILE")" == "$(pom_hash)" ]]
}

ensure_jars() {
  command -v "$JAVA" >/dev/null || die "java not found (Java 17+ required)"
  if jars_ok; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found (Maven is needed once to fetch the Kafka jars)"
  local t0 tmp mvn_log
  t0=$(now_ms)
  tmp="$KAFKA_LIB_DIR.tmp.$$"
  mvn_log="$(dirname "$KAFKA_LIB_DIR")/mvn.log"
  mkdir -p "$(dirname "$KAFKA_LIB_DIR")"
  rm -rf "$tmp"
  log "fetching Kafka jars with Maven into ${KAFKA_LIB_DIR#"$KAFKA_DIR/"} (pom.xml changed or jars missing)"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" -Dkafka.lib.dir="$tmp" package >"$mvn_log" 2>&1; then
    rm -rf "$tmp"
    tail -n 40 "$mvn_log" | sed 's/\x1b\[[0-9;]*m//g' >&2 || true
    die "mvn failed (full output: $mvn_log)"
  fi
  pom_hash >"$tmp/.pom.sha256"
  rm -rf "$KAFKA_LIB_DIR"
  mv "$tmp" "$KAFKA_LIB_DIR"
  log "jars ready: $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars in $(elapsed "$t0")"
}

# ---------------------------------------------------------------- process helpers
# Our broker = a java process running kafka.Kafka with exactly our effective config file.
is_our_broker() {
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *" kafka.Kafka $CONFIG"* ]]
}

# Finds a running broker of ours even without (or with a wrong) pid file.
find_broker_pid() {
  local pid
  for pid in $(pgrep -f 'kafka\.Kafka' 2>/dev/null || true); do
    if is_our_broker "$pid"; then echo "$pid"; return 0; fi
  done
  return 1
}

# Prints the pid of our running broker (fixing the pid file as a side effect) or fails.
running_pid() {
  local pid=""
  [[ -f "$PID_FILE" ]] && pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && is_our_broker "$pid"; then echo "$pid"; return 0; fi
  if pid="$(find_broker_pid)"; then
    echo "$pid" >"$PID_FILE"
    echo "$pid"; return 0
  fi
  return 1
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

port_owner() {
  if command -v ss >/dev/null; then
    ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
  fi
}

ready_check() { # $1 = timeout seconds, $2 = optional --warm; READY_NODES: brokers that must answer (default 1)
  "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dready.nodes="${READY_NODES:-1}" \
    -cp "$KAFKA_LIB_DIR/*" "$READY_SRC" "$BOOTSTRAP" "$@"
}

has_role() { [[ ",$KAFKA_PROCESS_ROLES," == *",$1,"* ]]; }

fail_with_logs() {
  {
    echo "[kafka] ---- last lines of $SERVER_LOG ----"
    if [[ -s "$SERVER_LOG" ]]; then tail -n 40 "$SERVER_LOG"; else echo "(empty)"; fi
    echo "[kafka] ---- last lines of $OUT_FILE (JVM stdout/stderr) ----"
    if [[ -s "$OUT_FILE" ]]; then tail -n 20 "$OUT_FILE"; else echo "(empty)"; fi
  } >&2
  die "$1"
}

render_config() {
  local content
  content="$(<"$TEMPLATE")"
  local listeners=()
  has_role broker && listeners+=("PLAINTEXT://$HOST:$KAFKA_PORT")
  has_role controller && listeners+=("CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT")
  local block
  block="listeners=$(IFS=,; echo "${listeners[*]}")"
  if has_role broker; then
    block+=$'\n'"advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT"$'\n'"inter.broker.listener.name=PLAINTEXT"
  fi
  # Only the line that is the placeholder (the header's comment names it too).
  content="${content//$'\n'@KAFKA_LISTENERS@$'\n'/$'\n'$block$'\n'}"
  content="${content//@KAFKA_NODE_ID@/$KAFKA_NODE_ID}"
  content="${content//@KAFKA_PROCESS_ROLES@/$KAFKA_PROCESS_ROLES}"
  content="${content//@KAFKA_QUORUM_VOTERS@/$KAFKA_QUORUM_VOTERS}"
  content="${content//@KAFKA_RF@/$KAFKA_RF}"
  content="${content//@KAFKA_MIN_ISR@/$KAFKA_MIN_ISR}"
  content="${content//@KAFKA_DATA_DIR@/$KAFKA_DATA_DIR}"
  printf '# GENERATED by scripts/kafka/kafka.sh from scripts/kafka/server.properties - do not edit\n%s\n' \
    "$content" >"$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
}

# Kafka cluster ids are 16 random bytes, base64url without padding (22 chars). Like Kafka's Uuid.randomUuid, never
# one that starts with '-': the storage tool would read it as an option (1 run in 64).
random_cluster_id() {
  local id="-"
  while [[ "$id" == -* ]]; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  echo "$id"
}

cluster_id() {
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    local id="${KAFKA_CLUSTER_ID:-}" meta="$KAFKA_DATA_DIR/kraft-logs/meta.properties"
    if [[ -z "$id" && -f "$meta" ]]; then # already formatted: keep its id
      id="$(sed -n 's/^cluster\.id=//p' "$meta")"
    fi
    if [[ -z "$id" ]]; then
      id="$(random_cluster_id)"
    fi
    echo "$id" >"$CLUSTER_ID_FILE"
  fi
  cat "$CLUSTER_ID_FILE"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  local t0 pid
  t0=$(now_ms)
  if pid="$(running_pid)"; then
    if [[ "$KAFKA_NO_WAIT" == 1 ]]; then
      log "node $KAFKA_NODE_ID already running (pid $pid)"
      return 0
    fi
    if ready_check 5 >/dev/null; then
      log "already running and ready (pid $pid, $BOOTSTRAP)"
      return 0
    fi
    log "broker process $pid is up but not ready yet; waiting up to ${KAFKA_START_TIMEOUT}s"
    ready_check "$KAFKA_START_TIMEOUT" --warm >/dev/null ||
      fail_with_logs "broker (pid $pid) did not become ready; try: $0 stop && $0 start"
    log "ready (pid $pid, $BOOTSTRAP) after $(elapsed "$t0")"
    return 0
  fi
  if [[ -f "$PID_FILE" ]]; then
    log "removing stale pid file (pid $(cat "$PID_FILE" 2>/dev/null || echo '?') is not running)"
    rm -f "$PID_FILE"
  fi

  local port owner ports=()
  has_role broker && ports+=("$KAFKA_PORT")
  has_role controller && ports+=("$KAFKA_CONTROLLER_PORT")
  for port in "${ports[@]}"; do
    if port_in_use "$port"; then
      owner="$(port_owner "$port")"
      die "port $HOST:$port is already in use by another process${owner:+ ($owner)}, not by this script's broker; stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done

  ensure_jars
  mkdir -p "$KAFKA_DATA_DIR" "$LOG_DIR"
  render_config

  local cid fmt_out meta="$KAFKA_DATA_DIR/kraft-logs/meta.properties"
  cid="$(cluster_id)"
  if [[ -f "$meta" ]] && grep -qx "cluster.id=$cid" "$meta"; then
    log "storage already formatted (cluster id $cid)" # saves a ~1.5 s StorageTool JVM on warm starts
  elif ! fmt_out="$("$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$LOG_DIR" \
      -cp "$KAFKA_LIB_DIR/*" kafka.tools.StorageTool format --cluster-id="$cid" -c "$CONFIG" --ignore-formatted 2>&1)"; then
    echo "$fmt_out" >&2
    die "storage format failed (cluster id $cid, data dir $KAFKA_DATA_DIR; a data dir formatted with another cluster id must be deleted)"
  else
    log "storage formatted (cluster id $cid)"
  fi

  if has_role broker; then
    log "starting node $KAFKA_NODE_ID ($KAFKA_PROCESS_ROLES) on $BOOTSTRAP (data ${KAFKA_DATA_DIR})"
  else
    log "starting node $KAFKA_NODE_ID ($KAFKA_PROCESS_ROLES) on $HOST:$KAFKA_CONTROLLER_PORT (data ${KAFKA_DATA_DIR})"
  fi
  # shellcheck disable=SC2086 # heap/java opts are intentionally word-split
  setsid nohup "$JAVA" $KAFKA_HEAP_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$LOG_DIR" \
    $KAFKA_JAVA_OPTS \
    -cp "$KAFKA_LIB_DIR/*" kafka.Kafka "$CONFIG" >"$OUT_FILE" 2>&1 </dev/null 9>&- &
  local launched=$!
  pid=""
  local _
  for _ in $(seq 1 50); do # setsid may fork: resolve the real java pid by its command line
    if is_our_broker "$launched"; then pid="$launched"; break; fi
    if pid="$(find_broker_pid)"; then break; fi
    pid=""
    sleep 0.1
  done
  [[ -n "$pid" ]] || fail_with_logs "broker process exited right after launch"
  echo "$pid" >"$PID_FILE"
  if [[ "$KAFKA_NO_WAIT" == 1 ]]; then
    return 0
  fi

  local deadline=$(( $(date +%s) + KAFKA_START_TIMEOUT )) left result
  while :; do
    left=$(( deadline - $(date +%s) ))
    if (( left <= 0 )); then
      cmd_stop >&2 # leave no half-started broker behind
      fail_with_logs "broker (pid $pid) not ready within ${KAFKA_START_TIMEOUT}s (it was stopped again)"
    fi
    is_our_broker "$pid" || { rm -f "$PID_FILE"; fail_with_logs "broker process $pid died during startup"; }
    # short probes so that a crashed broker is noticed quickly
    if result="$(ready_check $(( left < 10 ? left : 10 )) --warm)"; then break; fi
  done
  log "ready (pid $pid) in $(elapsed "$t0"): ${result#ready: }"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  local t0
  t0=$(now_ms)
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  while is_our_broker "$pid" && (( $(date +%s) < deadline )); do sleep 0.2; done
  if is_our_broker "$pid"; then
    log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while is_our_broker "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  if pid="$(find_broker_pid)"; then die "another broker process for $CONFIG is still running (pid $pid)"; fi
  log "stopped in $(elapsed "$t0")"
}

cmd_status() {
  local pid result
  if ! pid="$(running_pid)"; then
    [[ -f "$PID_FILE" ]] && rm -f "$PID_FILE"
    log "stopped"
    return 3
  fi
  if result="$(ready_check 5)"; then
    log "running and ready (pid $pid): ${result#ready: }"
    return 0
  fi
  log "running (pid $pid) but NOT ready: ${result#not ready: }"
  return 1
}

usage() {
  echo "usage: $0 {start|stop|status|ensure-jars}  (KAFKA_CLUSTER_SIZE=3: also start-node|stop-node|pid <node>)" >&2
  exit 2
}

# ---------------------------------------------------------------- cluster mode (KAFKA_CLUSTER_SIZE=3)
CLUSTER_CONTROLLERS=(controller-1 controller-2 controller-3)
CLUSTER_BROKERS=(broker-1 broker-2 broker-3)
# Broker n listens on BASE + 2(n-1), controller n on BASE + 2(n-1) + 1: 9092/9094/9096 and 9093/9095/9097.
CLUSTER_BASE_PORT="${KAFKA_CLUSTER_BASE_PORT:-9092}"
CLUSTER_BOOTSTRAP="$HOST:$CLUSTER_BASE_PORT,$HOST:$((CLUSTER_BASE_PORT + 2)),$HOST:$((CLUSTER_BASE_PORT + 4))"
CLUSTER_VOTERS="11@$HOST:$((CLUSTER_BASE_PORT + 1)),12@$HOST:$((CLUSTER_BASE_PORT + 3)),13@$HOST:$((CLUSTER_BASE_PORT + 5))"

# Runs kafka.sh $2 as cluster node $1: its id, roles, ports and data directory, the cluster's id and replication.
run_node() {
  local node="$1" n="${1##*-}" id roles heap
  case "$node" in
    broker-[1-3]) id="$n" roles=broker heap="${KAFKA_BROKER_HEAP_OPTS:--Xms128m -Xmx384m}" ;;
    controller-[1-3]) id="$((10 + n))" roles=controller heap="${KAFKA_CONTROLLER_HEAP_OPTS:--Xms64m -Xmx192m}" ;;
    *) die "unknown node '$node' (broker-1..3, controller-1..3)" ;;
  esac
  mkdir -p "$KAFKA_CLUSTER_DIR"
  local id_file="$KAFKA_CLUSTER_DIR/cluster.id"
  if [[ ! -s "$id_file" ]]; then
    random_cluster_id >"$id_file"
  fi
  KAFKA_CLUSTER_SIZE=1 KAFKA_NODE_ID="$id" KAFKA_PROCESS_ROLES="$roles" \
    KAFKA_PORT="$((CLUSTER_BASE_PORT + 2 * (n - 1)))" KAFKA_CONTROLLER_PORT="$((CLUSTER_BASE_PORT + 2 * (n - 1) + 1))" \
    KAFKA_QUORUM_VOTERS="$CLUSTER_VOTERS" KAFKA_DATA_DIR="$KAFKA_CLUSTER_DIR/$node" \
    KAFKA_CLUSTER_ID="$(cat "$id_file")" KAFKA_HEAP_OPTS="$heap" KAFKA_NO_WAIT=1 \
    KAFKA_RF="${KAFKA_CLUSTER_RF:-3}" KAFKA_MIN_ISR="${KAFKA_CLUSTER_MIN_ISR:-2}" \
    bash "$KAFKA_DIR/kafka.sh" "$2"
}

cluster_logs() {
  local node
  for node in "${CLUSTER_CONTROLLERS[@]}" "${CLUSTER_BROKERS[@]}"; do
    echo "[kafka] ---- $node: last lines of its server.log ----"
    tail -n 15 "$KAFKA_CLUSTER_DIR/$node/logs/server.log" 2>/dev/null || echo "(none)"
  done >&2
}

cluster_start() {
  local t0 node result
  t0=$(now_ms)
  ensure_jars
  # Controllers first: brokers register with the quorum. None waits for itself: a quorum needs two voters.
  for node in "${CLUSTER_CONTROLLERS[@]}" "${CLUSTER_BROKERS[@]}"; do
    run_node "$node" start
  done
  if ! result="$(BOOTSTRAP="$CLUSTER_BOOTSTRAP" READY_NODES=3 ready_check "$KAFKA_START_TIMEOUT" --warm)"; then
    cluster_logs
    die "the cluster did not become ready within ${KAFKA_START_TIMEOUT}s: $result"
  fi
  log "cluster ready in $(elapsed "$t0"): ${result#ready: }"
}

cluster_stop() {
  local node
  # Brokers first (a controlled shutdown hands their leaderships over through the controllers), together.
  for node in "${CLUSTER_BROKERS[@]}"; do run_node "$node" stop & done
  wait
  for node in "${CLUSTER_CONTROLLERS[@]}"; do run_node "$node" stop & done
  wait
}

cluster_status() {
  local result
  if result="$(BOOTSTRAP="$CLUSTER_BOOTSTRAP" READY_NODES=3 ready_check 5)"; then
    log "cluster running and ready: ${result#ready: }"
    return 0
  fi
  log "cluster NOT ready: ${result#not ready: }"
  return 1
}


# Serialise start/stop/status of one data dir (e.g. two test jobs calling start at once).
lock() {
  mkdir -p "$KAFKA_DATA_DIR"
  exec 9>"$KAFKA_DATA_DIR/.lock"
  flock -w 120 9 || die "another kafka.sh is busy with $KAFKA_DATA_DIR (lock: $KAFKA_DATA_DIR/.lock)"
}

if [[ "$KAFKA_CLUSTER_SIZE" == 3 ]]; then
  [[ $# -ge 1 ]] || usage
  KAFKA_DATA_DIR="$KAFKA_CLUSTER_DIR"
  case "$1" in
    start) lock; cluster_start ;;
    stop) lock; cluster_stop ;;
    status) cluster_status ;;
    start-node) [[ $# -eq 2 ]] || usage; run_node "$2" start ;;
    stop-node) [[ $# -eq 2 ]] || usage; run_node "$2" stop ;;
    pid) [[ $# -eq 2 ]] || usage; cat "$KAFKA_CLUSTER_DIR/$2/kafka.pid" ;;
    ensure-jars) ensure_jars ;;
    *) usage ;;
  esac
  exit $?
fi
[[ "$KAFKA_CLUSTER_SIZE" == 1 ]] || die "KAFKA_CLUSTER_SIZE must be 1 or 3"
[[ $# -eq 1 ]] || usage
case "$1" in
  start | stop) lock ;;
esac
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  ensure-jars) ensure_jars; log "jars up to date in $KAFKA_LIB_DIR" ;;
  *) usage ;;
esac
