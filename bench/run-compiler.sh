#!/usr/bin/env bash
# The compiler's figures in one run: what the pipeline does to the graphs (PipelineReport), JMH timings of eager vs
# compiled-before-fusion vs the full pipeline (CompilerBench), and PyTorch eager on the same programs right after.
#   bench/run-compiler.sh            FORKS=3 bench/run-compiler.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PYTHON="${PYTHON:-/usr/bin/python3}"
FORKS="${FORKS:-2}"
OUT=bench/target/compiler
mkdir -p "$OUT"
./mvnw -q -pl bench -am package -DskipTests
J="$JAVA_HOME/bin/java --add-modules jdk.incubator.vector"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" | tee "$OUT/table.md"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); cache-line round trip between two threads: $($J -cp bench/target/benchmarks.jar dev.tcompile.bench.CoreLatency) ns (about 70: one L3, 370: two)" | tee -a "$OUT/table.md"
$J -cp bench/target/benchmarks.jar dev.tcompile.bench.PipelineReport 2>/dev/null | tee -a "$OUT/table.md"
$J -jar bench/target/benchmarks.jar dev.tcompile.bench.CompilerBench -f "$FORKS" -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.log" 2>&1
"$PYTHON" bench/python/compiler_reference.py --rounds "$FORKS" > "$OUT/torch.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); round trip: $($J -cp bench/target/benchmarks.jar dev.tcompile.bench.CoreLatency) ns" | tee -a "$OUT/table.md"
"$PYTHON" - "$OUT" <<'PY' | tee -a "$OUT/table.md"
import json, sys
out = sys.argv[1]
jmh = json.load(open(out + "/jmh.json"))
torch = json.load(open(out + "/torch.json"))
ms = {}
for r in jmh:
    ms[(r["benchmark"].split(".")[-1], r["params"]["pipeline"])] = r["primaryMetric"]["score"]
rows = [("tanh-GELU fwd+bwd, 1M floats", "geluTanhForwardBackward1M", "gelu"),
        ("MNIST CNN train step, batch 64", "mnistCnnTrainStep64", "mnist"),
        ("MNIST CNN train step, batch 32", "mnistCnnTrainStep32", "mnist32"),
        ("MNIST CNN inference, batch 64", "mnistCnnInference64", "mnist_infer"),
        ("MLP 784-512-512-10 train step, batch 64", "mlpTrainStep64", "mlp")]
print("\n| %d threads | tcompile eager | compiled: CSE/DCE only, interpreter | full pipeline, interpreter | full pipeline, bytecode | PyTorch %s eager | interpreter vs eager | bytecode vs eager | bytecode vs PyTorch |" % (torch["threads"], torch["torch"]))
print("|---|---|---|---|---|---|---|---|---|")
for name, b, t in rows:
    e, u, i, c, p = ms[(b, "eager")], ms[(b, "unfused")], ms[(b, "interpreter")], ms[(b, "bytecode")], torch[t]
    print("| %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1fx | %.1fx | %.2fx |" % (name, e, u, i, c, p, e / i, e / c, p / c))
PY
