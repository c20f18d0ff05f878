#!/usr/bin/env bash
# Runs the JMH benchmarks of this module (kernels, one training step). Arguments go to JMH, e.g.
#   benchmarks/jmh.sh KernelBench -p shape=1120x256x10000 -wi 3 -i 5
#   benchmarks/jmh.sh TrainStepBench -p workload=W
# Run one benchmark at a time, on an otherwise idle machine; JAVA_HOME picks the JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B install -DskipTests -pl benchmarks -am >&2
./mvnw -q -B -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/cp.txt >&2
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" --add-modules jdk.incubator.vector -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" \
  org.openjdk.jmh.Main "$@"
