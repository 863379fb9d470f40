#!/bin/sh
# Container entry: `migrate` runs the migrations; otherwise PLATFORMA_APP names the process to run.
set -eu
if [ "${1:-}" = migrate ]; then
  exec node node_modules/typeorm/cli.js migration:run -d dist/libs/database/src/data-source.js
fi
case "$PLATFORMA_APP" in
  platforma) entry=dist/src/main.js ;;
  accounts | catalog | orders | provisioning | billing | notifications | audit | saga) entry="dist/apps/$PLATFORMA_APP/src/main.js" ;;
  *) echo "PLATFORMA_APP must be platforma or one of the eight modules, got '$PLATFORMA_APP'" >&2 && exit 2 ;;
esac
# The preload starts the instrumentations before the app imports express and pg.
exec node --enable-source-maps --import ./dist/libs/platform/src/telemetry/register.js "$entry"
