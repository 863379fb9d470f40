#!/usr/bin/env bash
# Local libvirt + QEMU for the libvirt provisioning driver, without systemd: Debian's daemons started by hand, as root.
#
#   scripts/libvirt/libvirt.sh start    install the Debian packages when missing, start virtlogd, virtlockd and libvirtd
#                                       unless they run already, wait until qemu:///system answers
#   scripts/libvirt/libvirt.sh prepare  (idempotent) the dir storage pool and a tiny qcow2 base volume per image code
#   scripts/libvirt/libvirt.sh stop     stop the daemons this script started (by recorded pid); others are left alone
#   scripts/libvirt/libvirt.sh status   exit 0 = qemu:///system answers, 3 = it does not
#
# Environment:
#   LIBVIRT_URI            connection URI (default qemu:///system)
#   LIBVIRT_POOL           storage pool name (default platforma)
#   LIBVIRT_POOL_DIR       the pool's directory (default /var/lib/platforma/libvirt-pool: the daemons are the
#                          machine's, and so is the pool's definition, whichever checkout made it)
#   LIBVIRT_IMAGES         image codes that get a base volume base-<code>.qcow2 (default: the codes the catalog's
#                          seeded regions offer, migrations/1795000000001-StorefrontDomains.ts, and debian-12)
#   LIBVIRT_START_TIMEOUT  seconds to wait for libvirtd to answer (default 30)
# Pids of the daemons started here, and their logs, live in scripts/libvirt/.run (git-ignored).
# A base volume is an empty 64 MiB qcow2: a guest boots into firmware and sits there, enough to be "running".
set -euo pipefail

LIBVIRT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
LOG_TAG=libvirt
# shellcheck source=../lib/toolchain.sh
. "$LIBVIRT_DIR/../lib/toolchain.sh"

LIBVIRT_URI="${LIBVIRT_URI:-qemu:///system}"
LIBVIRT_POOL="${LIBVIRT_POOL:-platforma}"
LIBVIRT_POOL_DIR="${LIBVIRT_POOL_DIR:-/var/lib/platforma/libvirt-pool}"
LIBVIRT_IMAGES="${LIBVIRT_IMAGES:-ubuntu-24.04 debian-12 debian-13 rocky-9}"
LIBVIRT_START_TIMEOUT="${LIBVIRT_START_TIMEOUT:-30}"
RUN_DIR="$LIBVIRT_DIR/.run"
# Started in this order (libvirtd needs virtlogd for every domain start), stopped in the reverse one.
DAEMONS=(virtlogd virtlockd libvirtd)

die() { echo "[libvirt] ERROR: $*" >&2; exit 1; }

virsh_() { virsh -q -c "$LIBVIRT_URI" "$@"; }

# True when $1 is a live process whose executable is the daemon $2.
is_daemon() {
  local pid="$1" name="$2" exe
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  [[ "${exe##*/}" == "$name" ]]
}

# The pid of the running daemon $1 (ours or anyone's), from its pid file under /run or the process table.
daemon_pid() {
  local name="$1" pid
  pid="$(cat "/run/$name.pid" 2>/dev/null || true)"
  if is_daemon "$pid" "$name"; then echo "$pid"; return 0; fi
  for pid in $(pgrep -x "$name" 2>/dev/null || true); do
    if is_daemon "$pid" "$name"; then echo "$pid"; return 0; fi
  done
  return 1
}

# Not `virsh version`: it probes the host (dmidecode, CPU models) and takes 4-8 s on every call here.
answers() { virsh -c "$LIBVIRT_URI" list --all >/dev/null 2>&1; }

start_daemon() {
  local name="$1" pid _
  if pid="$(daemon_pid "$name")"; then
    log "$name already running (pid $pid)"
    return 0
  fi
  # -d forks into the background; without systemd's journal the log goes to a file of ours.
  LIBVIRT_LOG_OUTPUTS="3:file:$RUN_DIR/$name.log" "$name" -d 9>&-
  for _ in $(seq 1 50); do
    if pid="$(daemon_pid "$name")"; then
      echo "$pid" >"$RUN_DIR/$name.pid"
      log "$name started (pid $pid)"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$RUN_DIR/$name.log" >&2 2>/dev/null || true
  die "$name did not start (log: $RUN_DIR/$name.log)"
}

# Without udev nothing applies Debian's rule for /dev/kvm (group kvm, group read-write), and libvirt runs QEMU as
# libvirt-qemu:kvm: a root-only /dev/kvm makes libvirt offer kvm domains that then fail with "Permission denied".
ensure_kvm_access() {
  if [[ ! -c /dev/kvm ]]; then
    log "no /dev/kvm: guests run under TCG (domain type qemu)"
    return 0
  fi
  if [[ "$(stat -c %G /dev/kvm)" != kvm || "$(stat -c %A /dev/kvm)" != ????rw* ]]; then
    chgrp kvm /dev/kvm
    chmod g+rw /dev/kvm
    log "/dev/kvm made group kvm read-write (what udev does elsewhere)"
  fi
}

cmd_start() {
  [[ "$(id -u)" == 0 ]] || die "the system libvirt daemons need root"
  ensure_libvirt
  ensure_kvm_access
  mkdir -p "$RUN_DIR"
  local name
  for name in "${DAEMONS[@]}"; do start_daemon "$name"; done
  local deadline=$(($(date +%s) + LIBVIRT_START_TIMEOUT))
  until answers; do
    if (($(date +%s) >= deadline)); then
      tail -n 20 "$RUN_DIR/libvirtd.log" >&2 2>/dev/null || true
      die "$LIBVIRT_URI did not answer within ${LIBVIRT_START_TIMEOUT}s (log: $RUN_DIR/libvirtd.log)"
    fi
    sleep 0.2
  done
  # The first domain call after installing QEMU probes its capabilities (up to a minute here); pay that now, once.
  virsh -c "$LIBVIRT_URI" domcapabilities --virttype qemu --arch x86_64 >/dev/null
  log "$LIBVIRT_URI answers"
}

ensure_pool() {
  if ! virsh_ pool-info "$LIBVIRT_POOL" >/dev/null 2>&1; then
    virsh_ pool-define-as "$LIBVIRT_POOL" dir --target "$LIBVIRT_POOL_DIR" >/dev/null
    log "pool $LIBVIRT_POOL defined at $LIBVIRT_POOL_DIR"
  fi
  local target
  target="$(virsh_ pool-dumpxml "$LIBVIRT_POOL" | sed -n 's|.*<path>\(.*\)</path>.*|\1|p' | head -n1)"
  if [[ "$target" != "$LIBVIRT_POOL_DIR" ]]; then
    # libvirt keeps pool definitions across restarts: one made by another checkout (or an older default) moves here
    # when no machine lives in it any more, and is refused otherwise.
    if virsh_ vol-list "$LIBVIRT_POOL" 2>/dev/null | awk '{print $1}' | grep -q '^pf-'; then
      die "pool $LIBVIRT_POOL is at $target and holds machines (pf-…), not at $LIBVIRT_POOL_DIR: release them or set LIBVIRT_POOL"
    fi
    virsh_ pool-destroy "$LIBVIRT_POOL" >/dev/null 2>&1 || true
    virsh_ pool-undefine "$LIBVIRT_POOL" >/dev/null
    virsh_ pool-define-as "$LIBVIRT_POOL" dir --target "$LIBVIRT_POOL_DIR" >/dev/null
    log "pool $LIBVIRT_POOL moved from $target to $LIBVIRT_POOL_DIR"
  fi
  mkdir -p "$LIBVIRT_POOL_DIR" # also when deleted behind libvirt's back: a dir pool without its directory cannot start
  if [[ "$(virsh_ pool-info "$LIBVIRT_POOL" | sed -n 's/^State: *//p')" != running ]]; then
    virsh_ pool-start "$LIBVIRT_POOL" >/dev/null
    log "pool $LIBVIRT_POOL started"
  fi
  virsh_ pool-autostart "$LIBVIRT_POOL" >/dev/null
}

ensure_base_images() {
  local code file created=0
  for code in $LIBVIRT_IMAGES; do
    file="$LIBVIRT_POOL_DIR/base-$code.qcow2"
    if [[ ! -f "$file" ]]; then
      qemu-img create -q -f qcow2 "$file" 64M
      log "base image $file created"
      created=1
    fi
  done
  # Also picks up files made by hand or by an earlier prepare whose refresh never ran.
  virsh_ pool-refresh "$LIBVIRT_POOL" >/dev/null
  for code in $LIBVIRT_IMAGES; do
    virsh_ vol-info --pool "$LIBVIRT_POOL" "base-$code.qcow2" >/dev/null ||
      die "base-$code.qcow2 is not a volume of pool $LIBVIRT_POOL after a refresh"
  done
  ((created)) || log "base images present: $(printf 'base-%s.qcow2 ' $LIBVIRT_IMAGES)"
}

cmd_prepare() {
  answers || die "$LIBVIRT_URI does not answer: run $0 start first"
  ensure_pool
  ensure_base_images
  log "pool $LIBVIRT_POOL ready at $LIBVIRT_POOL_DIR"
}

cmd_stop() {
  local i name pid stopped=0 running _
  if running="$(virsh_ list --name 2>/dev/null | grep -c .)" && ((running > 0)); then
    log "$running domain(s) still running: their QEMU processes outlive libvirtd (the next start reconnects to them)"
  fi
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
    name="${DAEMONS[i]}"
    [[ -f "$RUN_DIR/$name.pid" ]] || continue
    pid="$(cat "$RUN_DIR/$name.pid")"
    rm -f "$RUN_DIR/$name.pid"
    if ! is_daemon "$pid" "$name"; then
      log "$name (pid $pid) was not running any more"
      continue
    fi
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      is_daemon "$pid" "$name" || break
      sleep 0.1
    done
    if is_daemon "$pid" "$name"; then
      log "$name (pid $pid) still alive after 10 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "$name stopped (pid $pid)"
    stopped=1
  done
  ((stopped)) || log "no daemon started by this script is running"
}

cmd_status() {
  local name pid mine
  for name in "${DAEMONS[@]}"; do
    if pid="$(daemon_pid "$name")"; then
      mine=""
      [[ "$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)" == "$pid" ]] && mine=", started by this script"
      log "$name running (pid $pid$mine)"
    else
      log "$name not running"
    fi
  done
  if answers; then
    log "$LIBVIRT_URI answers"
    return 0
  fi
  log "$LIBVIRT_URI does not answer"
  return 3
}

# Serialise start/prepare/stop (two test jobs calling start at once).
lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock -w 120 9 || die "another libvirt.sh is busy (lock: $RUN_DIR/.lock)"
}

[[ $# -eq 1 ]] || { echo "usage: $0 {start|prepare|stop|status}" >&2; exit 2; }
case "$1" in
  start) lock; cmd_start ;;
  prepare) lock; cmd_prepare ;;
  stop) lock; cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 {start|prepare|stop|status}" >&2; exit 2 ;;
esac
