#!/usr/bin/env bash
# The quality gate: eslint (type-aware, zero warnings), tsc, prettier.
LOG_TAG=check
. "$(dirname "$0")/lib/toolchain.sh"
ensure_node
ensure_deps
cd "$ROOT"
log "eslint"
npx eslint --max-warnings 0 .
log "tsc --noEmit"
npx tsc --noEmit -p tsconfig.json
# The pages' scripts run in the browser: DOM types, no Node ones (the root project excludes them).
npx tsc --noEmit -p src/portal/assets/tsconfig.json
npx tsc --noEmit -p libs/audit/src/viewer/assets/tsconfig.json
log "prettier --check"
npx prettier --check --log-level warn .
log "clean"
