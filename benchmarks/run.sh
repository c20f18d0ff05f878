#!/usr/bin/env bash
# Builds recur (tests skipped) and runs one benchmark main of this module with the right JVM flags.
#   benchmarks/run.sh TrainThroughput --workload W --steps 100
#   benchmarks/run.sh QualityRun --corpus ptb --data ../shared/data --minutes 30
# JAVA_HOME selects the JDK (17 by default; a Temurin 25 works too).
set -euo pipefail
cd "$(dirname "$0")/.."
main="$1"; shift
./mvnw -q -B install -DskipTests -pl benchmarks -am >&2
./mvnw -q -B -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/cp.txt >&2
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" --add-modules jdk.incubator.vector -XX:+UseParallelGC \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" "dev.recur.bench.$main" "$@"
