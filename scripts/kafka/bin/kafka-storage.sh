#!/bin/sh
# Local stand-in for Kafka's bin/kafka-storage.sh (see kafka-run-class.sh): formats a KRaft log directory (format,
# random-uuid, info).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
