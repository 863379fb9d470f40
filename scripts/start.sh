#!/usr/bin/env bash
# `npm start`: the whole system in one process — Node 24, dependencies, PostgreSQL, Kafka, migrations, topics, then
# the monolith in the foreground. `npm stop` stops it and the broker.
LOG_TAG=start
. "$(dirname "$0")/lib/toolchain.sh"
bootstrap_toolchain
cd "$ROOT"
mkdir -p .run
pidfile=.run/platforma.pid
port="${PORT:-3000}"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  log "PLATFORMA is already running (pid $(cat "$pidfile")) on port $port"
  exit 0
fi
# shellcheck source=lib/dev-secrets.sh
. "$ROOT/scripts/lib/dev-secrets.sh"
ensure_dev_secrets
bash scripts/infra.sh up
bash scripts/build.sh
SKIP_BUILD=1 bash scripts/typeorm.sh migration:run
log "starting the monolith on port $port (Ctrl-C or npm stop to end it)"
echo $$ >"$pidfile"
exec node --enable-source-maps --import ./dist/libs/platform/src/telemetry/register.js dist/src/main.js
