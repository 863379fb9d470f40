#!/bin/sh
# Local stand-in for Kafka's bin/kafka-broker-api-versions.sh (see kafka-run-class.sh): the API versions a broker
# serves, i.e. a readiness probe that authenticates like any client.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
