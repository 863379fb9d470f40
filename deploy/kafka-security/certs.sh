#!/bin/sh
# Development certificates for the secure compose setup (docker-compose.secure.yml) and the test of it
# (test/security/kafka-sasl.e2e-spec.ts), made with the JDK's keytool alone (the Kafka image has it; outside it, the
# one of JAVA_HOME or the PATH): a CA, the broker's PKCS#12 keystore (its certificate signed by the CA, for the host
# names and addresses in KAFKA_CERT_SAN, default dns:kafka,dns:localhost,ip:127.0.0.1) and a truststore holding the
# CA. Production uses the organisation's CA instead; the apps get that CA's PEM file as KAFKA_SSL_CA_FILE either way.
# Usage: KAFKA_KEYSTORE_PASSWORD=… KAFKA_TRUSTSTORE_PASSWORD=… deploy/kafka-security/certs.sh OUT_DIR [CA_DIR]
#        OUT_DIR is the broker's KAFKA_SECRETS_DIR. CA_DIR gets a copy of ca.crt alone: what the apps mount (never the
#        broker's keystore).
set -eu
out=${1:?usage: certs.sh OUT_DIR [CA_DIR]}
ca_dir=${2:-}
: "${KAFKA_KEYSTORE_PASSWORD:?KAFKA_KEYSTORE_PASSWORD is needed}"
: "${KAFKA_TRUSTSTORE_PASSWORD:?KAFKA_TRUSTSTORE_PASSWORD is needed}"
san=${KAFKA_CERT_SAN:-dns:kafka,dns:localhost,ip:127.0.0.1}
mkdir -p "$out"
cd "$out"
if [ -f kafka.keystore.p12 ]; then
  echo "certs.sh: $out already holds a keystore, left as it is"
  [ -z "$ca_dir" ] || cp ca.crt "$ca_dir/ca.crt"
  exit 0
fi
ca_pass=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
ks=$KAFKA_KEYSTORE_PASSWORD
if [ -n "${JAVA_HOME:-}" ]; then
  keytool() { "$JAVA_HOME/bin/keytool" "$@"; }
fi
keytool -genkeypair -alias ca -dname 'CN=PLATFORMA development Kafka CA' -ext bc:c -keyalg RSA -keysize 3072 \
  -validity 825 -storetype PKCS12 -keystore ca.p12 -storepass "$ca_pass"
keytool -exportcert -rfc -alias ca -keystore ca.p12 -storepass "$ca_pass" -file ca.crt
keytool -genkeypair -alias kafka -dname 'CN=kafka' -keyalg RSA -keysize 3072 -validity 825 -storetype PKCS12 \
  -keystore kafka.keystore.p12 -storepass "$ks"
keytool -certreq -alias kafka -keystore kafka.keystore.p12 -storepass "$ks" -file kafka.csr
keytool -gencert -alias ca -keystore ca.p12 -storepass "$ca_pass" -infile kafka.csr -outfile kafka.crt -rfc \
  -validity 825 -ext "SAN=$san" -ext EKU=serverAuth
keytool -importcert -noprompt -alias ca -file ca.crt -keystore kafka.keystore.p12 -storepass "$ks"
keytool -importcert -alias kafka -file kafka.crt -keystore kafka.keystore.p12 -storepass "$ks"
keytool -importcert -noprompt -alias ca -file ca.crt -storetype PKCS12 -keystore kafka.truststore.p12 \
  -storepass "$KAFKA_TRUSTSTORE_PASSWORD"
# The CA's key is not needed again: a new development CA is made with a new set of stores.
rm -f ca.p12 kafka.csr kafka.crt
chmod 644 ca.crt
[ -z "$ca_dir" ] || cp ca.crt "$ca_dir/ca.crt"
echo "certs.sh: $out/ca.crt (the apps' KAFKA_SSL_CA_FILE), kafka.keystore.p12, kafka.truststore.p12"
