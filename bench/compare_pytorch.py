#!/usr/bin/env python3
"""Side-by-side: `tcompile bench --json` against the same workloads in an installed PyTorch.

    bench/compare_pytorch.py --quick                  # runs ./tcompile bench --quick --json, then PyTorch
    bench/compare_pytorch.py --ours ours.jsonl        # reads tcompile's JSON lines from a file ('-' = stdin)
    bench/compare_pytorch.py --quick --only sgemm --threads 1

The workloads mirror dev.tcompile.workloads.StandardWorkloads (same names, models, shapes, optimiser settings;
keep the two in step). PyTorch runs eagerly (1.13 has no torch.compile) with the thread count tcompile used,
timed like tcompile times them: the first call, a warm-up, then the median of the timed calls. `speed` is
PyTorch's median over ours: above 1, tcompile is faster. Output: a Markdown table on stdout.
"""
import argparse, json, math, os, platform, statistics, subprocess, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python"))
from reference import openblas  # noqa: E402  (OpenBLAS threads are not torch.set_num_threads's)
from mnist_net import MnistNet  # noqa: E402

PROFILES = {"full": (3.0, 5.0, 20, 2000), "quick": (1.0, 1.0, 5, 200)}  # warm-up s, measure s, min/max calls


def train_step(model, loss_fn, x, y, adam=False):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3) if adam else torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.detach()
    return step


def inference(model, x):
    model.eval()

    def step():
        with torch.no_grad():
            return model(x)
    return step


def gelu_tanh():
    x = torch.randn(1 << 20, requires_grad=True)
    c = math.sqrt(2 / math.pi)

    def step():
        x.grad = None
        y = (x * 0.5 * (1 + torch.tanh(c * (x + 0.044715 * x ** 3)))).sum()
        y.backward()
        return x.grad
    return step


def gelu():
    x = torch.randn(1 << 20, requires_grad=True)

    def step():
        x.grad = None
        y = F.gelu(x).sum()
        y.backward()
        return x.grad
    return step


def conv(**kw):
    return lambda: inference(nn.Conv2d(16, 33, **kw), torch.randn(20, 16, 50, 100))


def sgemm(n):
    a, b = torch.randn(n, n), torch.randn(n, n)

    def step():
        with torch.no_grad():
            return torch.mm(a, b)
    return step


WORKLOADS = {
    "mnist_train_b32": lambda: train_step(MnistNet(), F.nll_loss, torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))),
    "mnist_train_b64": lambda: train_step(MnistNet(), F.nll_loss, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))),
    "mnist_train_b64_adam": lambda: train_step(MnistNet(), F.nll_loss, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,)), adam=True),
    "mnist_infer_b64": lambda: inference(MnistNet(), torch.randn(64, 1, 28, 28)),
    "mlp_train_b64": lambda: train_step(nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                                      nn.Linear(512, 10)), F.cross_entropy,
                                        torch.randn(64, 784), torch.randint(0, 10, (64,))),
    "mlp_train_b64_adam": lambda: train_step(nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                                           nn.Linear(512, 10)), F.cross_entropy,
                                             torch.randn(64, 784), torch.randint(0, 10, (64,)), adam=True),
    "gelu_tanh_1m": gelu_tanh,
    "gelu_1m": gelu,
    "conv_3x3_s2": conv(kernel_size=3, stride=2),
    "conv_3x5_s21_p42": conv(kernel_size=(3, 5), stride=(2, 1), padding=(4, 2)),
    "conv_3x5_s21_p42_d31": conv(kernel_size=(3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1)),
    "sgemm_256": lambda: sgemm(256),
    "sgemm_512": lambda: sgemm(512),
    "sgemm_1024": lambda: sgemm(1024),
}


def measure(name, profile):
    warmup, measure_s, min_n, max_n = PROFILES[profile]
    torch.manual_seed(0)
    step = WORKLOADS[name]()
    t = time.perf_counter()
    step()
    first = time.perf_counter() - t
    end, i = time.perf_counter() + warmup, 0
    while i < 2 or time.perf_counter() < end:
        step()
        i += 1
    times, end = [], time.perf_counter() + measure_s
    while len(times) < max_n and (len(times) < min_n or time.perf_counter() < end):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return {"first_ms": first * 1e3, "median_ms": statistics.median(times) * 1e3, "iterations": len(times)}


def read_ours(args):
    if args.ours:
        src = sys.stdin if args.ours == "-" else open(args.ours)
        lines = src.read().splitlines()
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        cmd = [os.path.join(root, "tcompile"), "bench", "--json"] + (["--quick"] if args.quick else [])
        cmd += (["--only", args.only] if args.only else []) + (["--threads", str(args.threads)] if args.threads else [])
        print("running " + " ".join(cmd), file=sys.stderr)
        lines = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout.splitlines()
    rows = [json.loads(l) for l in lines if l.startswith("{")]
    if not rows:
        sys.exit("compare_pytorch.py: no JSON lines from tcompile bench")
    return rows


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def fmt(ms):
    return f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ours", help="tcompile bench --json output (file, or - for stdin); default: run ./tcompile bench")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only")
    p.add_argument("--threads", type=int)
    args = p.parse_args()

    ours = read_ours(args)
    by = {(r["workload"], r["mode"]): r for r in ours}
    names = list(dict.fromkeys(r["workload"] for r in ours))
    threads, profile = ours[0]["threads"], ours[0]["profile"]
    torch.set_num_threads(threads)
    blas = openblas()
    if blas is not None:
        blas.openblas_set_num_threads(threads)
    else:
        print("warning: OpenBLAS is not loaded, so torch.mm uses whatever libblas.so.3 is (on Debian without "
              "libopenblas0, the slow reference BLAS): PyTorch's matmul-bound rows are far below its usual speed",
              file=sys.stderr)

    blas_name = "OpenBLAS " + blas.openblas_get_config().decode().split(" ")[1] if blas is not None else "not OpenBLAS"
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores; PyTorch {torch.__version__} ({blas_name}); "
          f"{threads} thread(s), {profile} profile; load average {os.getloadavg()[0]:.2f}")
    print()
    print("| workload | tcompile eager ms | tcompile compiled ms | PyTorch eager ms | speed eager | speed compiled "
          "| first call ms: eager / compiled / PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        if name not in WORKLOADS:
            print(f"| {name} | (no PyTorch version of this workload) |||||")
            continue
        e, c = by.get((name, "eager")), by.get((name, "compiled"))
        t = measure(name, profile)
        cells = [name, fmt(e["median_ms"]) if e else "-", fmt(c["median_ms"]) if c else "-", fmt(t["median_ms"]),
                 f"{t['median_ms'] / e['median_ms']:.2f}x" if e else "-", f"{t['median_ms'] / c['median_ms']:.2f}x" if c else "-",
                 " / ".join(fmt(x["first_ms"]) if x else "-" for x in (e, c, t))]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
