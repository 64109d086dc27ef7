#!/usr/bin/env python3
"""Joins JMH's JSON (tcompile) and reference.py's JSON (PyTorch) into one side-by-side Markdown table.

JMH figure: median over all measurement iterations of all forks (each iteration averages many calls).
PyTorch figure: median over all timed calls of all rounds. "speed" = PyTorch time / tcompile time
(above 1: tcompile is faster).
"""
import json, statistics, sys

UNIT = {"ns/op": 1e-9, "us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}
ORDER = {"sgemm": 0, "conv2d": 1, "pointwise": 2}


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
        elif cls == "ConvBench":
            key = ("conv2d", p["shape"], method, int(p["threads"]))
        else:
            key = ("pointwise", "1M", method, int(p["threads"]))
        rows[key] = (sec, len(e["primaryMetric"]["rawData"]), len(raw))
    return rows


def main():
    java = jmh_rows(sys.argv[1])
    ref = json.load(open(sys.argv[2]))
    torch = {(r["bench"], r["case"], r["op"], r["threads"]): r for r in ref["results"]}
    backends = sorted({r.get("backend") for r in ref["results"] if r.get("backend")})
    print(f"PyTorch {ref['torch']}, {ref['openblas']} (core {ref['openblas_core']}), conv backend: {', '.join(backends)}")
    print()
    print("| kernel | case | threads | tcompile | PyTorch | speed vs PyTorch |")
    print("|---|---|---:|---:|---:|---:|")
    for key in sorted(set(java) | set(torch), key=lambda k: (ORDER[k[0]], k[1] if k[0] != "sgemm" else int(k[1]), k[2], k[3])):
        bench, case, op, th = key
        js = java.get(key, (None,))[0]
        tr = torch.get(key)
        ts = tr["seconds"] if tr else None
        if bench == "sgemm":
            n = int(case)
            f = lambda s: f"{2 * n ** 3 / s / 1e9:.1f} GFLOPS" if s else "-"
            label = f"n={n}"
        elif bench == "pointwise":
            f = lambda s: f"{8 * (1 << 20) / s / 1e9:.1f} GB/s" if s else "-"
            label = "1M floats"
        else:
            f = lambda s: f"{s * 1e3:.2f} ms" if s else "-"
            label = case
        speed = f"{ts / js:.2f}x" if js and ts else "-"
        name = bench if bench != "conv2d" else f"conv2d {op}"
        if bench == "pointwise":
            name = op
        print(f"| {name} | {label} | {th} | {f(js)} | {f(ts)} | {speed} |")


if __name__ == "__main__":
    main()
