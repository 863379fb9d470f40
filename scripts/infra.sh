#!/usr/bin/env bash
# `up`: PostgreSQL and the Kafka broker, both idempotent. `down`: stops the broker (PostgreSQL is the machine's).
LOG_TAG=infra
. "$(dirname "$0")/lib/toolchain.sh"
case "${1:-up}" in
  up)
    bash "$ROOT/scripts/postgres.sh"
    bash "$ROOT/scripts/kafka/kafka.sh" start
    ;;
  down)
    bash "$ROOT/scripts/kafka/kafka.sh" stop
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
