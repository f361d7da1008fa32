#!/usr/bin/env bash
# The side-by-side comparison of Sluice and Apache Spark Streaming 3.5.9, in one command:
# builds the benchmarks and the Spark peer module (the spark-bench profile; the first run
# downloads Spark), then runs every end-to-end workload on both engines, each in its own child
# JVM, and writes benchmarks/results/comparison-latest.md and .json.
#
#   benchmarks/compare.sh [-Dsluice.bench.KEY=VALUE ...]
#
# The run is time-boxed to sluice.bench.totalMinutes (default 16, so that build and run fit in
# 20 minutes on 2 cores); see benchmarks/README.md for the other settings.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pspark-bench -pl benchmarks-spark -am package -DskipTests
exec java -Dsluice.bench.totalMinutes="${SLUICE_BENCH_MINUTES:-16}" "$@" \
  -Dsluice.bench.command="benchmarks/compare.sh $*" \
  -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.endtoend.Comparison
