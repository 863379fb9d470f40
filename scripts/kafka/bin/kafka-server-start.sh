#!/bin/sh
# Local stand-in for Kafka's bin/kafka-server-start.sh: the broker (kafka.Kafka) in the foreground, as the process
# itself (exec), so that SIGTERM shuts it down cleanly. Logs: $LOG_DIR/server.log (scripts/kafka/log4j2.properties).
# Usage: kafka-server-start.sh server.properties [--override property=value]...
set -eu
bin=$(cd "$(dirname "$0")" && pwd -P)
[ $# -ge 1 ] || { echo "usage: $0 server.properties [--override property=value]..." >&2 && exit 2; }
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
-Djava.awt.headless=true}
KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$bin/../log4j2.properties}
export KAFKA_HEAP_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_LOG4J_OPTS
exec "$bin/kafka-run-class.sh" kafka.Kafka "$@"
