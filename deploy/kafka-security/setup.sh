#!/bin/sh
# Gives each PLATFORMA app its Kafka user and nothing more: a SCRAM-SHA-512 credential per app (platforma-<app>) and
# the ACLs of acls.txt. Run as the admin super user against the SASL_SSL listener, after the brokers are up and
# before the apps start (the catalog's topics are created as admin too: `node dist/src/cli/topics.cli.js` with
# KAFKA_SASL_USERNAME=admin). Idempotent: users are upserted, ACLs added again are no-ops.
# Environment:
#   BOOTSTRAP                     host:port of the SASL_SSL listener, e.g. kafka:9094
#   ADMIN_CONFIG                  client properties of the admin user (security.protocol, sasl.*, ssl.truststore.*);
#                                 unset: written by admin-config.sh from KAFKA_ADMIN_PASSWORD and the truststore
#   PLATFORMA_<APP>_KAFKA_PASSWORD  one per app (ACCOUNTS … SAGA); the same value is that app's KAFKA_SASL_PASSWORD
#   KAFKA_TOPIC_PREFIX            optional, as the apps have it
#   KAFKA_BIN                     default /opt/kafka/bin
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${KAFKA_BIN:-/opt/kafka/bin}
: "${BOOTSTRAP:?BOOTSTRAP is needed}"
if [ -z "${ADMIN_CONFIG:-}" ]; then
  ADMIN_CONFIG=$(sh "$here/admin-config.sh")
fi
prefix=${KAFKA_TOPIC_PREFIX:-}
acls=${ACLS_FILE:-$here/acls.txt}

for app in accounts catalog orders provisioning billing notifications audit saga; do
  variable="PLATFORMA_$(echo "$app" | tr '[:lower:]' '[:upper:]')_KAFKA_PASSWORD"
  password=$(printenv "$variable" || true)
  if [ -z "$password" ]; then
    echo "setup.sh: $variable is needed" >&2
    exit 2
  fi
  "$bin/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --alter \
    --entity-type users --entity-name "platforma-$app" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" >/dev/null
  echo "setup.sh: user platforma-$app"
done

# user operation resource pattern name — see acls.txt
grep -v '^[[:space:]]*#' "$acls" | while read -r user operation resource pattern name; do
  [ -n "${user:-}" ] || continue
  case "$resource" in
    cluster) target="--cluster" ;;
    topic | group)
      if [ "$name" = '*' ] && [ -n "$prefix" ]; then
        # "every topic" of a prefixed environment is every topic under its prefix
        pattern=prefixed
        name=$prefix
      elif [ "$name" != '*' ]; then
        name="$prefix$name"
      fi
      target="--$resource=$name"
      ;;
    *) echo "setup.sh: unknown resource $resource in $acls" >&2 && exit 2 ;;
  esac
  "$bin/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add \
    --allow-principal "User:$user" --operation "$operation" "$target" --resource-pattern-type "$pattern" >/dev/null
done
echo "setup.sh: $(grep -cv '^[[:space:]]*\(#\|$\)' "$acls") ACLs from $acls"
