#!/bin/sh
# Starts a single KRaft broker with the SASL_SSL settings of server.properties (docker-compose.secure.yml runs it in
# the apache/kafka image; test/security/kafka-sasl.e2e-spec.ts on the host, with KAFKA_BIN=scripts/kafka/bin). Formats
# the storage on first start with the admin user's SCRAM credential. The only place that renders server.properties.
# Environment:
#   KAFKA_ADMIN_PASSWORD, KAFKA_KEYSTORE_PASSWORD, KAFKA_TRUSTSTORE_PASSWORD, KAFKA_CLUSTER_ID   needed
#   KAFKA_ADVERTISED_HOST   the host name in the broker's certificate that clients connect to (default kafka)
#   KAFKA_SASL_SSL_PORT     the clients' listener (default 9094)
#   KAFKA_CONTROLLER_PORT   the KRaft controller's listener, on loopback (default 9093)
#   KAFKA_SECRETS_DIR       kafka.keystore.p12 and kafka.truststore.p12 as certs.sh makes them
#                           (default /etc/kafka/secrets)
#   KAFKA_LOG_DIRS          the broker's data (default /var/lib/kafka/data)
#   KAFKA_WORK_DIR          where the rendered server.properties and the admin client's admin.properties go, both
#                           private to the broker's user (default /tmp)
#   KAFKA_BIN               Kafka's bin folder (default /opt/kafka/bin)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD is needed}"
: "${KAFKA_KEYSTORE_PASSWORD:?KAFKA_KEYSTORE_PASSWORD is needed}"
: "${KAFKA_TRUSTSTORE_PASSWORD:?KAFKA_TRUSTSTORE_PASSWORD is needed}"
: "${KAFKA_CLUSTER_ID:?KAFKA_CLUSTER_ID is needed (kafka-storage.sh random-uuid)}"
bin=${KAFKA_BIN:-/opt/kafka/bin}
secrets=${KAFKA_SECRETS_DIR:-/etc/kafka/secrets}
work=${KAFKA_WORK_DIR:-/tmp}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
config=$work/server.properties
# A value as sed's replacement text: its own delimiter, & and \ taken literally.
literal() { printf '%s' "$1" | sed -e 's/[|&\\]/\\&/g'; }
umask 077
mkdir -p "$work"
{
  cat <<PROPERTIES
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@127.0.0.1:$controller_port
log.dirs=${KAFKA_LOG_DIRS:-/var/lib/kafka/data}
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
  sed -e "s|@KAFKA_ADVERTISED_HOST@|$(literal "${KAFKA_ADVERTISED_HOST:-kafka}")|g" \
    -e "s|@KAFKA_SASL_SSL_PORT@|$(literal "${KAFKA_SASL_SSL_PORT:-9094}")|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$(literal "$controller_port")|g" \
    -e "s|@KAFKA_SECRETS_DIR@|$(literal "$secrets")|g" \
    -e "s|@KAFKA_ADMIN_PASSWORD@|$(literal "$KAFKA_ADMIN_PASSWORD")|g" \
    -e "s|@KAFKA_KEYSTORE_PASSWORD@|$(literal "$KAFKA_KEYSTORE_PASSWORD")|g" \
    -e "s|@KAFKA_TRUSTSTORE_PASSWORD@|$(literal "$KAFKA_TRUSTSTORE_PASSWORD")|g" \
    "$here/server.properties"
} >"$config"
if grep -q '@KAFKA_[A-Z_]*@' "$config"; then
  echo "broker-start.sh: $config still holds $(grep -o '@KAFKA_[A-Z_]*@' "$config" | head -n1)" >&2
  exit 2
fi
# The admin client's settings, for the healthcheck (kafka-broker-api-versions.sh --command-config).
KAFKA_SECRETS_DIR=$secrets sh "$here/admin-config.sh" "$work/admin.properties" >/dev/null
"$bin/kafka-storage.sh" format --ignore-formatted -t "$KAFKA_CLUSTER_ID" -c "$config" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]"
exec "$bin/kafka-server-start.sh" "$config"
