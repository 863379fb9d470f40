#!/usr/bin/env bash
# Compiles src, apps, libs and migrations to dist/ with SWC (type checking is `npm run check`'s job).
LOG_TAG=build
. "$(dirname "$0")/lib/toolchain.sh"
ensure_node
ensure_deps
cd "$ROOT"
# Built beside dist/ and swapped in, so processes started from the previous build keep a whole tree to load from.
out="$(mktemp -d "$ROOT/.dist.XXXXXX")"
trap 'rm -rf "$out"' EXIT
npx swc src apps libs migrations bench -d "$out" --copy-files --ignore '**/*.spec.ts,**/*.integration-spec.ts' --quiet
old="$ROOT/.dist.old.$$"
[ -d dist ] && mv dist "$old"
mv "$out" dist
rm -rf "$old"
