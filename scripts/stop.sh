#!/usr/bin/env bash
# `npm stop`: stops the monolith or split apps started by the scripts, then the Kafka broker.
LOG_TAG=stop
. "$(dirname "$0")/lib/toolchain.sh"
cd "$ROOT"
shopt -s nullglob
for pidfile in .run/*.pid; do
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $(basename "$pidfile" .pid) (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
done
bash scripts/kafka/kafka.sh stop
