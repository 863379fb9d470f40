#!/usr/bin/env bash
# `npm run reconcile [-- --prefix <topicPrefix>] [-- --database-url <url>] [--grace-seconds n] [--since-hours n]
#  [--hypervisors | --no-hypervisors]`:
# checks one environment (its database, whole; the prefix names its topics) for lost or duplicated events and effects,
# stuck sagas and orders disagreeing with their event log. Read-only; exits 1 on findings. DATABASE_URL and
# KAFKA_TOPIC_PREFIX are the defaults.
# Hypervisors: when provisioning.hypervisor_node has an enabled node, every enabled node (shared by all environments)
# is listed with virsh and compared with provisioning.service: pf- domains and volumes no service owns, active or
# suspended services without their domain, nodes not reachable. --no-hypervisors skips it; --hypervisors forces it.
LOG_TAG=reconcile
. "$(dirname "$0")/lib/toolchain.sh"
ensure_node
ensure_deps
cd "$ROOT"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/platforma}"
bash scripts/build.sh
exec node --enable-source-maps dist/libs/reconcile/src/reconcile.cli.js "$@"
