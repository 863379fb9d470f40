#!/usr/bin/env bash
# The TypeORM CLI on the compiled DataSource: migration:run | migration:revert | migration:generate <Name>.
LOG_TAG=typeorm
. "$(dirname "$0")/lib/toolchain.sh"
bootstrap_toolchain
cd "$ROOT"
[ "${SKIP_BUILD:-}" = 1 ] || bash scripts/build.sh
command="${1:?usage: typeorm.sh migration:run|migration:revert|migration:generate <Name>}"
shift
ds=dist/libs/database/src/data-source.js
case "$command" in
  migration:generate)
    name="${1:?usage: npm run migration:generate -- <PascalCaseName>}"
    node node_modules/typeorm/cli.js migration:generate "migrations/$name" -d "$ds" --pretty
    ;;
  *)
    node --enable-source-maps node_modules/typeorm/cli.js "$command" -d "$ds" "$@"
    ;;
esac
