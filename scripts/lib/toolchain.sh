# shellcheck shell=bash
# Sourced by every project script: puts Node >= 24 on PATH (installing it into .tools/ when the system's is older)
# and keeps node_modules in step with package-lock.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
NODE_MAJOR_REQUIRED=24

log() { printf '[%s] %s\n' "${LOG_TAG:-platforma}" "$*"; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ "$(node_major)" -ge "$NODE_MAJOR_REQUIRED" ]; then
    return
  fi
  local arch pkg dir bin
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) log "unsupported CPU $(uname -m): install Node >= $NODE_MAJOR_REQUIRED yourself" && exit 1 ;;
  esac
  pkg="node-linux-$arch"
  dir="$ROOT/.tools/node"
  bin="$dir/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ]; then
    command -v npm >/dev/null || { log "npm is needed to install Node $NODE_MAJOR_REQUIRED" && exit 1; }
    log "system Node is $(node --version 2>/dev/null || echo absent); installing Node $NODE_MAJOR_REQUIRED into .tools/node"
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || echo '{ "private": true }' >"$dir/package.json"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$pkg@$NODE_MAJOR_REQUIRED"
  fi
  export PATH="$bin:$PATH"
  hash -r
}

ensure_deps() {
  local stamp="$ROOT/node_modules/.platforma-lock.sha256" want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  log "installing dependencies (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

# Debian's package $1 providing the binary $2, for the suites named in $3: installed when missing and we may.
ensure_debian_package() {
  local package="$1" bin="$2" suites="$3"
  if [ -x "$bin" ]; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing $package for $suites (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; }
  else
    log "$package is missing at $bin: install Debian's $package package ($suites will fail without it)"
  fi
}

# The admin viewer's browser test drives Debian's chromium.
ensure_chromium() {
  ensure_debian_package chromium "${CHROMIUM_PATH:-/usr/bin/chromium}" "the browser tests"
}

# The libvirt driver's suite runs Debian's libvirt daemons and QEMU (scripts/libvirt/libvirt.sh) and writes seed ISOs.
ensure_libvirt() {
  local suites="the libvirt driver suite"
  ensure_debian_package libvirt-clients /usr/bin/virsh "$suites"
  ensure_debian_package libvirt-daemon-system /usr/sbin/libvirtd "$suites"
  ensure_debian_package qemu-system-x86 /usr/bin/qemu-system-x86_64 "$suites"
  ensure_debian_package qemu-utils /usr/bin/qemu-img "$suites"
  ensure_debian_package genisoimage /usr/bin/genisoimage "$suites"
  ensure_debian_package openssl /usr/bin/openssl "$suites"
}

# The rate-limit suite runs the shipped gateway config (deploy/gateway/nginx.conf) in front of the app.
ensure_nginx() {
  ensure_debian_package nginx "${NGINX_PATH:-/usr/sbin/nginx}" "the gateway rate-limit suite"
}

# Loads .env (if any) so scripts and the app see the same variables. The environment wins over the file, as with
# dotenv: `PROVISIONING_DRIVER=libvirt npm start` means libvirt whatever .env says.
load_env() {
  if [ -f "$ROOT/.env" ]; then
    local given
    given="$(export -p | sed 's/^declare -x /declare -gx /')"
    set -a
    # shellcheck disable=SC1091
    . "$ROOT/.env"
    set +a
    eval "$given"
  fi
}

bootstrap_toolchain() {
  ensure_node
  ensure_deps
  load_env
}
