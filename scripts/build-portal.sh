#!/usr/bin/env bash
# `npm run build:portal [-- --api-url https://api.example.com] [--base-path /] [--out dist/portal]`: the example
# customer portal as static files (index.html, portal.js, portal.css) for the provider's own web server. The API URL
# defaults to the origin serving the files; see src/portal/build-portal.cli.ts for what the host needs.
LOG_TAG=build-portal
. "$(dirname "$0")/lib/toolchain.sh"
ensure_node
ensure_deps
cd "$ROOT"
bash scripts/build.sh
exec node --enable-source-maps dist/src/portal/build-portal.cli.js "$@"
