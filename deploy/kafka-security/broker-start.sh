#!/bin/sh
# Starts a single KRaft broker with the SASL_SSL settings of server.properties (docker-compose.secure.yml runs it in
# the apache/kafka image). Formats the storage on first start with the admin user's SCRAM credential.
# Environment: KAFKA_ADMIN_PASSWORD, KAFKA_KEYSTORE_PASSWORD, KAFKA_TRUSTSTORE_PASSWORD, KAFKA_CLUSTER_ID,
#              KAFKA_ADVERTISED_HOST (default kafka)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD is needed}"
: "${KAFKA_KEYSTORE_PASSWORD:?KAFKA_KEYSTORE_PASSWORD is needed}"
: "${KAFKA_TRUSTSTORE_PASSWORD:?KAFKA_TRUSTSTORE_PASSWORD is needed}"
: "${KAFKA_CLUSTER_ID:?KAFKA_CLUSTER_ID is needed (kafka-storage.sh random-uuid)}"
config=/tmp/server.properties
umask 077
{
  cat <<PROPERTIES
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@127.0.0.1:9093
log.dirs=/var/lib/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
  sed -e "s|@KAFKA_ADVERTISED_HOST@|${KAFKA_ADVERTISED_HOST:-kafka}|" \
    -e "s|@KAFKA_ADMIN_PASSWORD@|$KAFKA_ADMIN_PASSWORD|" \
    -e "s|@KAFKA_KEYSTORE_PASSWORD@|$KAFKA_KEYSTORE_PASSWORD|" \
    -e "s|@KAFKA_TRUSTSTORE_PASSWORD@|$KAFKA_TRUSTSTORE_PASSWORD|" \
    "$here/server.properties"
} >"$config"
# The admin client's settings, for the healthcheck (kafka-broker-api-versions.sh --command-config).
sh "$here/admin-config.sh" /tmp/admin.properties >/dev/null
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "$KAFKA_CLUSTER_ID" -c "$config" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]"
exec /opt/kafka/bin/kafka-server-start.sh "$config"
