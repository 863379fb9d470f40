#!/usr/bin/env bash
# `npm run start:split`: the set-up of `npm start` (Node, dependencies, PostgreSQL, Kafka, one build, the migrations
# once), then the eight apps as separate processes on ports 3001-3008, each logging to .run/logs/<app>.log. It stays
# in the foreground until Ctrl-C; `npm stop` also ends it. SPLIT_BASE_PORT moves the ports (app n on base + n).
LOG_TAG=split
. "$(dirname "$0")/lib/toolchain.sh"
bootstrap_toolchain
cd "$ROOT"

# The order gives the ports, as in docker-compose.yml and deploy/k8s.
APPS=(accounts catalog orders provisioning billing notifications audit saga)
base="${SPLIT_BASE_PORT:-3000}"
host="${HOST:-127.0.0.1}"
gateway_port="${SPLIT_GATEWAY_PORT:-8080}"
port_of() {
  local i
  for i in "${!APPS[@]}"; do
    [ "${APPS[$i]}" = "$1" ] && echo $((base + i + 1)) && return
  done
}

alive() { [ -f ".run/$1.pid" ] && kill -0 "$(cat ".run/$1.pid")" 2>/dev/null; }

mkdir -p .run/logs
if alive platforma; then
  log "the monolith is running (pid $(cat .run/platforma.pid)): npm stop first, the two would share every consumer group"
  exit 1
fi
running=()
for app in "${APPS[@]}"; do
  alive "$app" && running+=("$app")
done
if [ "${#running[@]}" -gt 0 ]; then
  log "already running: ${running[*]} (npm stop ends them)"
  exit 0
fi

# shellcheck source=lib/dev-secrets.sh
. "$ROOT/scripts/lib/dev-secrets.sh"
ensure_dev_secrets
bash scripts/infra.sh up
bash scripts/build.sh
SKIP_BUILD=1 bash scripts/typeorm.sh migration:run
# Eight pools must fit PostgreSQL's 100 connections.
export DATABASE_POOL_SIZE="${DATABASE_POOL_SIZE:-5}"
# Clients come through the local gateway: the apps believe its X-Forwarded-For (docs/deployment.md).
export TRUST_PROXY="${TRUST_PROXY:-1}"
export NO_COLOR="${NO_COLOR:-1}"

stop_all() {
  trap - INT TERM
  local app pid
  for app in "${APPS[@]}" gateway; do
    alive "$app" && kill -TERM "$(cat ".run/$app.pid")" 2>/dev/null
  done
  for app in "${APPS[@]}" gateway; do
    [ -f ".run/$app.pid" ] || continue
    pid="$(cat ".run/$app.pid")"
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f ".run/$app.pid"
  done
  rm -f .run/split.pid
  log "stopped the eight apps"
}

# With nginx installed, deploy/gateway/nginx.conf also runs here, its upstreams pointed at this machine's ports.
start_gateway() {
  command -v nginx >/dev/null || return 0
  local dir="$ROOT/.run/gateway" app upstreams=() user=""
  mkdir -p "$dir/temp"
  for app in "${APPS[@]}"; do
    upstreams+=(-e "s/server $app:[0-9]*;/server 127.0.0.1:$(port_of "$app");/")
  done
  sed "${upstreams[@]}" \
    -e "s/listen 8080;/listen $host:$gateway_port;/" \
    -e "s#^http {#http {\n  client_body_temp_path $dir/temp/body;\n  proxy_temp_path $dir/temp/proxy;\n  fastcgi_temp_path $dir/temp/fastcgi;\n  uwsgi_temp_path $dir/temp/uwsgi;\n  scgi_temp_path $dir/temp/scgi;#" \
    deploy/gateway/nginx.conf >"$dir/nginx.conf"
  # As root the workers would run as nobody, who cannot write the temp folders under .run/.
  [ "$(id -u)" = 0 ] && user="user root;"
  nginx -p "$dir" -c "$dir/nginx.conf" -g "daemon off; pid $dir/nginx.pid; $user" >>.run/logs/gateway.log 2>&1 &
  echo $! >.run/gateway.pid
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
echo $$ >.run/split.pid

for app in "${APPS[@]}"; do
  printf '\n--- %s starting %s on port %s ---\n' "$(date -Is)" "$app" "$(port_of "$app")" >>".run/logs/$app.log"
  PLATFORMA_APP="$app" PORT="$(port_of "$app")" HOST="$host" \
    node --enable-source-maps --import ./dist/libs/platform/src/telemetry/register.js "dist/apps/$app/src/main.js" >>".run/logs/$app.log" 2>&1 &
  echo $! >".run/$app.pid"
done
log "started ${APPS[*]}; waiting for every /health/ready"

# One line per app once it is ready; exits non-zero when an app died or the time ran out.
urls=()
for app in "${APPS[@]}"; do
  urls+=("$app=http://127.0.0.1:$(port_of "$app")=$(cat ".run/$app.pid")")
done
if ! node -e '
  const apps = process.argv.slice(1).map((a) => a.split("="));
  const deadline = Date.now() + Number(process.env.SPLIT_READY_TIMEOUT_S ?? 120) * 1000;
  const pending = new Map(apps.map(([name, url, pid]) => [name, { url, pid: Number(pid) }]));
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  (async () => {
    while (pending.size > 0) {
      for (const [name, { url, pid }] of pending) {
        if (!alive(pid)) { console.error(`${name} exited during start-up`); process.exit(1); }
        const ok = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
        if (ok) { pending.delete(name); }
      }
      if (Date.now() > deadline) { console.error(`not ready in time: ${[...pending.keys()].join(", ")}`); process.exit(1); }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
' "${urls[@]}"; then
  for app in "${APPS[@]}"; do
    if ! alive "$app"; then
      log "$app is not running; the end of .run/logs/$app.log:"
      tail -n 30 ".run/logs/$app.log" >&2
    fi
  done
  stop_all
  exit 1
fi

start_gateway
gateway="not running (install nginx for a local gateway)"
if [ -f .run/gateway.pid ]; then
  gateway="http://127.0.0.1:$gateway_port"
  if ! node -e '
    const until = Date.now() + 5000;
    const probe = async () => {
      if (await fetch(process.argv[1]).then((r) => r.ok, () => false)) process.exit(0);
      if (Date.now() > until) process.exit(1);
      setTimeout(probe, 200);
    };
    void probe();
  ' "$gateway/healthz"; then
    log "the gateway did not start; the end of .run/logs/gateway.log:"
    tail -n 5 .run/logs/gateway.log >&2
    kill -TERM "$(cat .run/gateway.pid)" 2>/dev/null || true
    rm -f .run/gateway.pid
    gateway="failed to start (see .run/logs/gateway.log)"
  fi
fi

# The REST prefixes each app owns, as the gateway routes them.
routes_of() {
  awk -v app="$1" '
    $1 == "location" { path = ($2 == "=" || $2 == "^~") ? $3 : $2 }
    { for (i = 1; i < NF; i++) if ($i == "proxy_pass" && $(i + 1) ~ ("^http://" app "[;/]")) print path }
  ' deploy/gateway/nginx.conf | sort -u | paste -sd' ' -
}
printf '\n%-14s %-24s %-28s %s\n' app url log 'routes (via the gateway)'
for app in "${APPS[@]}"; do
  printf '%-14s %-24s %-28s %s\n' "$app" "http://127.0.0.1:$(port_of "$app")" ".run/logs/$app.log" "$(routes_of "$app")"
done
printf '\ngateway: %s (every route above on one port)\n' "$gateway"
printf 'health: <url>/health/ready, OpenAPI: <url>/docs. Ctrl-C or npm stop ends the eight apps.\n'

# Stays up while any app runs; an app that exits is reported, the others go on.
while :; do
  set +e
  wait -n
  set -e
  left=0
  for app in "${APPS[@]}"; do
    if [ -f ".run/$app.pid" ]; then
      if alive "$app"; then
        left=$((left + 1))
      else
        log "$app exited; the end of .run/logs/$app.log:"
        tail -n 20 ".run/logs/$app.log" >&2
        rm -f ".run/$app.pid"
      fi
    fi
  done
  if [ "$left" -eq 0 ]; then
    log "every app has exited"
    stop_all
    exit 1
  fi
done
