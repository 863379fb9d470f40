#!/bin/sh
# Local stand-in for Kafka's bin/kafka-run-class.sh: runs a main class from the jars scripts/kafka/pom.xml fetches
# (fetched on first use), so that scripts written for Kafka's bin folder run here too:
#   KAFKA_BIN=scripts/kafka/bin deploy/kafka-security/broker-start.sh
# Environment, as Kafka's own script reads it: KAFKA_HEAP_OPTS (default -Xmx256m), KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_OPTS, LOG_DIR (where a log4j2 file appender writes, default scripts/kafka/.build/logs),
# JAVA_HOME.
set -eu
bin=$(cd "$(dirname "$0")" && pwd -P)
lib=$bin/../.build/lib
[ $# -ge 1 ] || { echo "usage: $0 MAIN_CLASS [ARG]..." >&2 && exit 2; }
main=$1
shift
if ! ls "$lib"/kafka-tools-*.jar >/dev/null 2>&1; then
  bash "$bin/../kafka.sh" ensure-jars >&2
fi
log_dir=${LOG_DIR:-$bin/../.build/logs}
mkdir -p "$log_dir"
java=java
[ -z "${JAVA_HOME:-}" ] || java=$JAVA_HOME/bin/java
# Tools are short-lived: a small heap and the quickest start (no C2, serial GC).
opts="${KAFKA_HEAP_OPTS:--Xmx256m} \
${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true} \
${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$bin/tools-log4j2.properties} ${KAFKA_OPTS:-}"
if [ "$main" = kafka.Kafka ]; then
  # shellcheck disable=SC2086 # a list of JVM options
  exec "$java" $opts -Dkafka.logs.dir="$log_dir" -cp "$lib/*" "$main" "$@"
fi
# A tool's classes are archived on its first run (class data sharing) beside the jars, which a pom change replaces
# together with the archives: later runs start in half the time (setup.sh starts a tool JVM ~30 times). JVM
# warnings, e.g. about an archive this JVM cannot use, go to stderr, never into the tool's output; the first run's
# (classes CDS cannot archive) are left out.
archive=$lib/.cds/$main.jsa
if [ -f "$archive" ]; then
  # shellcheck disable=SC2086
  exec "$java" -XX:SharedArchiveFile="$archive" -Xlog:disable -Xlog:all=warning:stderr $opts \
    -Dkafka.logs.dir="$log_dir" -cp "$lib/*" "$main" "$@"
fi
mkdir -p "$lib/.cds"
status=0
# shellcheck disable=SC2086
"$java" -XX:ArchiveClassesAtExit="$archive.$$" -Xlog:disable -Xlog:all=error:stderr $opts \
  -Dkafka.logs.dir="$log_dir" -cp "$lib/*" "$main" "$@" || status=$?
if [ -s "$archive.$$" ]; then mv -f "$archive.$$" "$archive" && chmod a+r "$archive"; else rm -f "$archive.$$"; fi
exit "$status"
