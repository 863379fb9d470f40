#!/bin/sh
# Local stand-in for Kafka's bin/kafka-configs.sh (see kafka-run-class.sh): alters and describes configs, among them
# users' SCRAM credentials.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ConfigCommand "$@"
