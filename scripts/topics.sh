#!/usr/bin/env bash
# Creates the catalog's topics on the configured broker and reports partition-count mismatches.
LOG_TAG=topics
. "$(dirname "$0")/lib/toolchain.sh"
bootstrap_toolchain
cd "$ROOT"
bash scripts/build.sh
node --enable-source-maps dist/src/cli/topics.cli.js
