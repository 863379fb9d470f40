#!/usr/bin/env bash
# Ensures the local PostgreSQL server is up (installing Debian's package if absent) and the project's databases exist.
LOG_TAG=postgres
. "$(dirname "$0")/lib/toolchain.sh"

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
DATABASES=(platforma platforma_test)

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

ensure_installed() {
  if command -v pg_ctlcluster >/dev/null && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    return
  fi
  log "PostgreSQL is not installed; installing Debian's postgresql package"
  [ "$(id -u)" -eq 0 ] || { log "run as root, or install PostgreSQL yourself" && exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

ensure_running() {
  if ready; then
    return
  fi
  ensure_installed
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do
    ready && return
    sleep 0.5
  done
  log "PostgreSQL did not become ready on $PGHOST:$PGPORT" && exit 1
}

ensure_databases() {
  local db
  for db in "${DATABASES[@]}"; do
    if [ "$(psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
      log "creating database $db"
      psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE $db"
    fi
  done
}

ensure_running
ensure_databases
log "ready on $PGHOST:$PGPORT (databases: ${DATABASES[*]})"
