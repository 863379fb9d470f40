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
# shellcheck source=lib/dev-libvirt.sh
. "$ROOT/scripts/lib/dev-libvirt.sh"
ensure_dev_libvirt
bash scripts/infra.sh up
bash scripts/build.sh
SKIP_BUILD=1 bash scripts/typeorm.sh migration:run
# Mail goes to a local SMTP server keeping each message under .run/mail (the sign-up link is in one; the console's
# Mail tab shows them), unless .env points SMTP_URL elsewhere. One already listening (an earlier npm start) is reused.
if [ "${SMTP_URL:-smtp://127.0.0.1:1025}" = smtp://127.0.0.1:1025 ]; then
  export DEV_MAIL_DIR="$ROOT/.run/mail"
  if ! (exec 3<>/dev/tcp/127.0.0.1/1025) 2>/dev/null; then
    node dist/src/cli/dev-mail.cli.js &
    echo $! >.run/dev-mail.pid
  fi
fi
log "starting the monolith on port $port (Ctrl-C or npm stop to end it)"
echo $$ >"$pidfile"
exec node --enable-source-maps --import ./dist/libs/platform/src/telemetry/register.js dist/src/main.js
