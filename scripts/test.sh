#!/usr/bin/env bash
# `npm test`: everything a fresh machine needs, then every suite — check, unit, integration against the real broker
# and PostgreSQL that this script starts.
LOG_TAG=test
. "$(dirname "$0")/lib/toolchain.sh"
bootstrap_toolchain
cd "$ROOT"
started_kafka=0
if ! bash scripts/kafka/kafka.sh status >/dev/null 2>&1; then
  started_kafka=1
fi
started_libvirt=0
if ! bash scripts/libvirt/libvirt.sh status >/dev/null 2>&1; then
  started_libvirt=1
fi
finish() {
  # The cluster of the cluster suites never outlives the run.
  KAFKA_CLUSTER_SIZE=3 bash scripts/kafka/kafka.sh stop >/dev/null 2>&1 || true
  # In CI leave nothing behind; on a developer machine keep a broker this run did not start.
  if [ "${CI:-}" = true ] && [ "$started_kafka" = 1 ]; then
    bash scripts/kafka/kafka.sh stop || true
  fi
  if [ "${CI:-}" = true ] && [ "$started_libvirt" = 1 ]; then
    bash scripts/libvirt/libvirt.sh stop || true
  fi
}
trap finish EXIT

bash scripts/check.sh
bash scripts/infra.sh up
ensure_chromium
ensure_nginx
# The libvirt driver's suites build real (tiny, firmware-only) VMs with QEMU on this machine.
bash scripts/libvirt/libvirt.sh start
bash scripts/libvirt/libvirt.sh prepare
# Every run migrates a fresh test database from zero: a migration edited after a developer applied it, or rows
# earlier runs left behind, cannot make the suites pass (or fail) here and not on a clean machine. It is the template
# each suite's own database is copied from (test/setup/test-database.ts).
log "recreating the test database platforma_test"
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS platforma_test WITH (FORCE)" \
  -c "CREATE DATABASE platforma_test"
bash scripts/build.sh
export NODE_OPTIONS="--experimental-vm-modules --enable-source-maps ${NODE_OPTIONS:-}"
mkdir -p .run
log "unit tests"
npx jest -c jest.config.js --ci --forceExit --json --outputFile=.run/jest-unit.json
log "integration tests (real Kafka and PostgreSQL)"
npx jest -c test/jest-integration.config.js --ci --forceExit --runInBand --json --outputFile=.run/jest-integration.json
log "cluster suites (three brokers; the single one stops meanwhile)"
bash scripts/kafka/kafka.sh stop
rm -rf scripts/kafka/.data-cluster
KAFKA_CLUSTER_SIZE=3 bash scripts/kafka/kafka.sh start
KAFKA_CLUSTER_SIZE=3 KAFKA_BROKERS=127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096 \
  npx jest -c test/jest-cluster.config.js --ci --forceExit --runInBand --json --outputFile=.run/jest-cluster.json
KAFKA_CLUSTER_SIZE=3 bash scripts/kafka/kafka.sh stop
if [ "${CI:-}" != true ] || [ "$started_kafka" = 0 ]; then
  bash scripts/kafka/kafka.sh start
fi
# One plain closing line for whoever reads the log: every suite's tests, passed and failed.
node -e '
  const runs = ["unit", "integration", "cluster"].map((n) => require(`./.run/jest-${n}.json`));
  const passed = runs.reduce((sum, r) => sum + r.numPassedTests, 0);
  const failed = runs.reduce((sum, r) => sum + r.numFailedTests, 0);
  console.log(`tests: ${passed} passed, ${failed} failed`);
'
