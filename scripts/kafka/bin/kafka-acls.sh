#!/bin/sh
# Local stand-in for Kafka's bin/kafka-acls.sh (see kafka-run-class.sh): adds, removes and lists ACLs.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.AclCommand "$@"
