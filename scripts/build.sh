#!/usr/bin/env bash
# Compiles src, apps, libs and migrations to dist/ with SWC (type checking is `npm run check`'s job).
LOG_TAG=build
. "$(dirname "$0")/lib/toolchain.sh"
ensure_node
cd "$ROOT"
rm -rf dist
npx swc src apps libs migrations -d dist --ignore '**/*.spec.ts,**/*.integration-spec.ts' --quiet
