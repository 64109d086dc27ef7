#!/usr/bin/env bash
# Runs the kernel benchmarks (JMH) and the PyTorch reference in one go and prints one side-by-side table.
#   bench/run-kernels.sh                      # everything: 3 JMH forks / 3 PyTorch rounds
#   FORKS=5 bench/run-kernels.sh              # more forks and rounds
#   PARTS="gemm" bench/run-kernels.sh         # a subset: any of gemm shapes conv pointwise
# Each part runs JMH then PyTorch back to back, so both see the same machine state (this matters on a
# shared 2-core VM); the load average before and after each part is printed with the table.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PYTHON="${PYTHON:-/usr/bin/python3}"
FORKS="${FORKS:-3}"
PARTS="${PARTS:-gemm shapes conv pointwise}"
JMH_OPTS="${JMH_OPTS:--wi 3 -w 500ms -i 5 -r 500ms}"   # per fork: 3 warm-up + 5 measured iterations
OUT=bench/target/kernels
mkdir -p "$OUT"

./mvnw -q -pl bench -am package -DskipTests
: > "$OUT/load.txt"
for part in $PARTS; do
  case "$part" in
    gemm) cls=GemmBench ;;
    shapes) cls=GemmShapesBench ;;
    conv) cls=ConvBench ;;
    pointwise) cls=PointwiseBench ;;
    *) echo "unknown part $part" >&2; exit 2 ;;
  esac
  echo "$part: load before $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
  echo "== $part: JMH ($FORKS forks), log in $OUT/jmh-$part.log" >&2
  "$JAVA_HOME/bin/java" -jar bench/target/benchmarks.jar "dev.tcompile.bench.$cls" -f "$FORKS" $JMH_OPTS \
      -rf json -rff "$OUT/jmh-$part.json" > "$OUT/jmh-$part.log" 2>&1
  echo "== $part: PyTorch reference ($FORKS rounds)" >&2
  "$PYTHON" bench/python/reference.py --rounds "$FORKS" --only "$part" > "$OUT/torch-$part.json"
  echo "$part: load after  $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
done
{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  sed 's/^/load average (1, 5, 15 min): /' "$OUT/load.txt"
  echo
  "$PYTHON" bench/python/table.py "$OUT" $PARTS
} | tee "$OUT/table.md"
