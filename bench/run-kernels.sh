#!/usr/bin/env bash
# Runs the kernel benchmarks (JMH) and the PyTorch reference in one go and prints one side-by-side table.
#   bench/run-kernels.sh                 # everything, 3 forks / 3 rounds
#   FORKS=5 bench/run-kernels.sh         # more forks
#   BENCH='GemmBench' bench/run-kernels.sh   # a subset (JMH regexp; the Python side runs all)
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PYTHON="${PYTHON:-/usr/bin/python3}"
FORKS="${FORKS:-3}"
BENCH="${BENCH:-dev.tcompile.bench.(GemmBench|ConvBench|PointwiseBench)}"
JMH_OPTS="${JMH_OPTS:--wi 3 -w 500ms -i 5 -r 500ms}"   # per fork: 3 warm-up + 5 measured iterations
OUT=bench/target/kernels
mkdir -p "$OUT"

./mvnw -q -pl bench -am package -DskipTests
echo "== JMH ($FORKS forks), log in $OUT/jmh.log" >&2
"$JAVA_HOME/bin/java" -jar bench/target/benchmarks.jar "$BENCH" -f "$FORKS" $JMH_OPTS -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.log" 2>&1
echo "== PyTorch reference ($FORKS rounds)" >&2
"$PYTHON" bench/python/reference.py --rounds "$FORKS" > "$OUT/torch.json"
{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  "$PYTHON" bench/python/table.py "$OUT/jmh.json" "$OUT/torch.json"
} | tee "$OUT/table.md"
