#!/bin/sh
# Gives each PLATFORMA app its Kafka user and nothing more: a SCRAM-SHA-512 credential per app (platforma-<app>) and
# the ACLs of acls.txt. Run as the admin super user against the SASL_SSL listener, after the brokers are up and before
# the apps start (the catalog's topics are created as admin too: `node dist/src/cli/topics.cli.js` with
# KAFKA_SASL_USERNAME=admin). Idempotent: users are upserted, ACLs added again are no-ops.
# Environment:
#   BOOTSTRAP                     host:port of the SASL_SSL listener, e.g. kafka:9094
#   ADMIN_CONFIG                  client properties of the admin user (security.protocol, sasl.*, ssl.truststore.*);
#                                 unset: written by admin-config.sh from KAFKA_ADMIN_PASSWORD and the truststore
#                                 (KAFKA_TRUSTSTORE / KAFKA_SECRETS_DIR), removed again at the end
#   PLATFORMA_<APP>_KAFKA_PASSWORD  one per app (ACCOUNTS … SAGA); the same value is that app's KAFKA_SASL_PASSWORD
#   KAFKA_TOPIC_PREFIX            optional, as the apps have it
#   ACLS_FILE                     default acls.txt beside this script
#   SETUP_JOBS                    how many Kafka tools run at once (default 1; each is a JVM of up to 256 MB heap)
#   KAFKA_BIN                     default /opt/kafka/bin
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${KAFKA_BIN:-/opt/kafka/bin}
: "${BOOTSTRAP:?BOOTSTRAP is needed}"
if [ -z "${ADMIN_CONFIG:-}" ]; then
  ADMIN_CONFIG=$(sh "$here/admin-config.sh")
  trap 'rm -f "$ADMIN_CONFIG"' EXIT
fi
prefix=${KAFKA_TOPIC_PREFIX:-}
acls=${ACLS_FILE:-$here/acls.txt}
jobs=${SETUP_JOBS:-1}
running=''
failed=0
# Runs a command in the background, SETUP_JOBS at a time; finish waits for the rest and fails if any failed.
spawn() {
  "$@" &
  running="$running $!"
  if [ "$(echo "$running" | wc -w)" -ge "$jobs" ]; then
    finish
  fi
}
finish() {
  for pid in $running; do
    wait "$pid" || failed=$((failed + 1))
  done
  running=''
  if [ "$failed" -gt 0 ]; then
    echo "setup.sh: $failed Kafka tool run(s) failed" >&2
    exit 1
  fi
}

apps='accounts catalog orders provisioning billing notifications audit saga'
for app in $apps; do
  variable="PLATFORMA_$(echo "$app" | tr '[:lower:]' '[:upper:]')_KAFKA_PASSWORD"
  if [ -z "$(printenv "$variable" || true)" ]; then
    echo "setup.sh: $variable is needed" >&2
    exit 2
  fi
done
for app in $apps; do
  password=$(printenv "PLATFORMA_$(echo "$app" | tr '[:lower:]' '[:upper:]')_KAFKA_PASSWORD")
  spawn "$bin/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --alter \
    --entity-type users --entity-name "platforma-$app" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" >/dev/null
done
finish
echo "setup.sh: users $(for app in $apps; do printf 'platforma-%s ' "$app"; done)"

# acls.txt has one grant a line (user operation resource pattern name). Every kafka-acls.sh call starts a JVM, so the
# grants are batched: one call per user, operation and pattern type with all its resources (kafka-acls.sh grants the
# operation on each), then users whose calls would be the same share one (e.g. every app's Describe on every topic).
# Each call grants exactly the product of its principals, operation and resources, all of them lines of acls.txt.
calls=$(awk -v prefix="$prefix" -v file="$acls" '
  /^[[:space:]]*(#|$)/ { next }
  {
    user = $1; operation = $2; resource = $3; pattern = $4; name = $5
    if (resource == "cluster") {
      target = "--cluster"
    } else if (resource == "topic" || resource == "group") {
      if (name == "*" && prefix != "") {
        # "every topic" of a prefixed environment is every topic under its prefix
        pattern = "prefixed"
        name = prefix
      } else if (name != "*") {
        name = prefix name
      }
      target = "--" resource "=" name
    } else {
      printf "setup.sh: unknown resource %s in %s\n", resource, file > "/dev/stderr"
      failed = 1
      exit 2
    }
    key = user SUBSEP operation SUBSEP pattern
    if (!(key in targets)) {
      keys[++n] = key
    }
    targets[key] = targets[key] " " target
  }
  END {
    if (failed) {
      exit 2
    }
    for (i = 1; i <= n; i++) {
      split(keys[i], k, SUBSEP)
      call = " --operation " k[2] " --resource-pattern-type " k[3] targets[keys[i]]
      if (!(call in principals)) {
        order[++m] = call
      }
      principals[call] = principals[call] " --allow-principal User:" k[1]
    }
    for (j = 1; j <= m; j++) {
      print principals[order[j]] order[j]
    }
  }
' "$acls")
# The calls are lists of options without spaces in them; "*" (every topic) must stay a word, not a file name.
set -f
while read -r call; do
  # shellcheck disable=SC2086 # one option per word
  spawn "$bin/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add $call >/dev/null
done <<CALLS
$calls
CALLS
finish
echo "setup.sh: $(grep -cv '^[[:space:]]*\(#\|$\)' "$acls") ACLs from $acls in $(echo "$calls" | wc -l) calls"
