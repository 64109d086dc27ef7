#!/usr/bin/env python3
"""Joins JMH's JSON (tcompile) and reference.py's JSON (PyTorch) into one side-by-side Markdown table.

Usage: table.py OUTDIR PART... (reads OUTDIR/jmh-PART.json and OUTDIR/torch-PART.json).

Median columns: JMH's median over all measurement iterations of all forks (each iteration averages many
calls) and PyTorch's median over all timed calls of all rounds. Best columns: the fastest iteration (JMH) and the
fastest call (PyTorch), which are what is left when other load on the machine is filtered out.
"speed" = PyTorch time / tcompile time (above 1: tcompile is faster), from the medians and from the bests.
"""
import json, statistics, sys

UNIT = {"ns/op": 1e-9, "us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}
ORDER = {"sgemm": 0, "shape": 1, "conv2d": 2, "pointwise": 3}


def jmh_rows(path):
    rows = {}
    for e in json.load(open(path)):
        cls, method = e["benchmark"].rsplit(".", 2)[-2:]
        p = e.get("params", {})
        scale = UNIT[e["primaryMetric"]["scoreUnit"]]
        raw = [v for fork in e["primaryMetric"]["rawData"] for v in fork]
        sec = statistics.median(raw) * scale
        if cls == "GemmBench":
            key = ("sgemm", p["n"], "sgemm", int(p["threads"]))
        elif cls == "GemmShapesBench":
            key = ("shape", p["shape"], "sgemm", int(p["threads"]))
        elif cls == "ConvBench":
            key = ("conv2d", p["shape"], method, int(p["threads"]))
        else:
            key = ("pointwise", "1M", method, int(p["threads"]))
        rows[key] = (sec, min(raw) * scale)
    return rows


def main():
    out, parts = sys.argv[1], sys.argv[2:]
    java, torch, ref = {}, {}, None
    for part in parts:
        java.update(jmh_rows(f"{out}/jmh-{part}.json"))
        ref = json.load(open(f"{out}/torch-{part}.json"))
        for r in ref["results"]:
            torch[(r["bench"], r["case"], r["op"], r["threads"])] = r
    backends = sorted({r.get("backend") for r in torch.values() if r.get("backend")})
    print(f"PyTorch {ref['torch']}, {ref['openblas']} (core {ref['openblas_core']}), conv backend: {', '.join(backends) or '-'}")
    print()
    print("| kernel | case | threads | tcompile median | PyTorch median | speed | tcompile best | PyTorch best | speed (best) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(set(java) | set(torch), key=lambda k: (ORDER[k[0]], k[1] if k[0] != "sgemm" else int(k[1]), k[2], k[3])):
        bench, case, op, th = key
        jm, jb = java.get(key, (None, None))
        tr = torch.get(key)
        tm, tb = (tr["seconds"], tr.get("best")) if tr else (None, None)
        if bench == "sgemm":
            n = int(case)
            f = lambda s: f"{2 * n ** 3 / s / 1e9:.1f} GFLOPS" if s else "-"
            label, name = f"n={n}", "sgemm"
        elif bench == "shape":
            m, n, k = (int(v) for v in case.split("_")[1].split("x"))
            f = lambda s, fl=2 * m * n * k: f"{s * 1e6:.1f} us ({fl / s / 1e9:.0f} GFLOPS)" if s else "-"
            label, name = case, "sgemm"
        elif bench == "pointwise":
            f = lambda s: f"{8 * (1 << 20) / s / 1e9:.1f} GB/s" if s else "-"
            label, name = "1M floats", op
        else:
            f = lambda s: f"{s * 1e3:.2f} ms" if s else "-"
            label, name = case, f"conv2d {op}"
        sp = lambda t, j: f"{t / j:.2f}x" if t and j else "-"
        print(f"| {name} | {label} | {th} | {f(jm)} | {f(tm)} | {sp(tm, jm)} | {f(jb)} | {f(tb)} | {sp(tb, jb)} |")


if __name__ == "__main__":
    main()
