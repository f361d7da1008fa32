#!/usr/bin/env bash
# The side-by-side comparison of Sluice and Apache Spark Streaming 3.5.9, in one command:
# builds the benchmarks and the Spark peer module (the spark-bench profile; the first run
# downloads Spark), then runs every end-to-end workload on both engines, each in its own child
# JVM, and writes benchmarks/results/comparison-latest.md and .json.
#
#   benchmarks/compare.sh [-Dsluice.bench.KEY=VALUE ...]
#
# Build and run together are time-boxed to SLUICE_BENCH_MINUTES (default 19.5): the run gets
# what the build left. See benchmarks/README.md for the other settings.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
mvn -B -q -Pspark-bench -pl benchmarks-spark -am package -DskipTests
minutes=$(awk -v total="${SLUICE_BENCH_MINUTES:-19.5}" -v spent="$(( $(date +%s) - started ))" \
  'BEGIN { printf "%.1f", total - spent / 60 }')
echo "build took $(( $(date +%s) - started )) s; the comparison gets ${minutes} min"
exec java -Dsluice.bench.totalMinutes="${minutes}" "$@" \
  -Dsluice.bench.command="benchmarks/compare.sh $*" \
  -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.endtoend.Comparison
