#!/usr/bin/env bash
# `npm run bench [-- --quick]`: a fresh benchmark database, the broker, a build, then bench/src/bench.ts, which
# starts its own monolith. Results land in bench/results/. Not part of `npm test`. `npm run bench -- transactions`
# runs bench/src/transaction-cost.ts instead.
LOG_TAG=bench
. "$(dirname "$0")/lib/toolchain.sh"
bootstrap_toolchain
cd "$ROOT"
# shellcheck source=lib/dev-secrets.sh
. "$ROOT/scripts/lib/dev-secrets.sh"
ensure_dev_secrets
bash scripts/infra.sh up
db=platforma_bench
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
bash scripts/build.sh
SKIP_BUILD=1 bash scripts/typeorm.sh migration:run >/dev/null
if [ "${1:-}" = transactions ]; then
  # `npm run bench -- transactions`: one handler-shaped transaction's CPU and wake-ups, BEGIN held or not.
  shift
  exec node --enable-source-maps dist/bench/src/transaction-cost.js "$@"
fi
exec node --enable-source-maps dist/bench/src/bench.js "$@"
