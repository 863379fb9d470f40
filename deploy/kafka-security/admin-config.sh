#!/bin/sh
# Writes the Kafka CLI client properties of the admin user (SASL_SSL, SCRAM-SHA-512) to a private file and prints its
# path. Environment: KAFKA_ADMIN_PASSWORD; the CA to trust as KAFKA_TRUSTSTORE (default
# $KAFKA_SECRETS_DIR/kafka.truststore.p12, KAFKA_SECRETS_DIR default /etc/kafka/secrets) of KAFKA_TRUSTSTORE_TYPE
# PKCS12 (with KAFKA_TRUSTSTORE_PASSWORD) or PEM (a ca.crt, no password). Usage: admin-config.sh [FILE] (default: a new
# temporary file)
set -eu
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD is needed}"
type=${KAFKA_TRUSTSTORE_TYPE:-PKCS12}
umask 077
file=${1:-$(mktemp)}
cat >"$file" <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
ssl.truststore.type=$type
ssl.truststore.location=${KAFKA_TRUSTSTORE:-${KAFKA_SECRETS_DIR:-/etc/kafka/secrets}/kafka.truststore.p12}
ssl.endpoint.identification.algorithm=https
PROPERTIES
if [ "$type" != PEM ]; then
  : "${KAFKA_TRUSTSTORE_PASSWORD:?KAFKA_TRUSTSTORE_PASSWORD is needed}"
  echo "ssl.truststore.password=$KAFKA_TRUSTSTORE_PASSWORD" >>"$file"
fi
echo "$file"
