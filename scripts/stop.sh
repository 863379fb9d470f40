#!/usr/bin/env bash
# `npm stop`: stops the monolith or the split apps started by the scripts, then the Kafka broker.
LOG_TAG=stop
. "$(dirname "$0")/lib/toolchain.sh"
cd "$ROOT"
shopt -s nullglob
# The split runner first: it stops its eight apps together. Then whatever is still left.
for pidfile in .run/split.pid .run/*.pid; do
  [ -f "$pidfile" ] || continue
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
