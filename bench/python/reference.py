#!/usr/bin/env python3
"""PyTorch 1.13 reference timings for the kernels measured by the JMH benchmarks in this module.

Measures, at 1 and 2 threads: sgemm (torch.mm -> OpenBLAS sgemm) n = 128..1024; conv2d forward,
backward-input and backward-weight on the seed and MNIST shapes (reports the backend PyTorch picked);
exp / tanh / gelu / sigmoid over 1M floats into a preallocated output, beside a copy of the same size.

Each measurement is taken in `--rounds` rounds (the analogue of JMH forks) of `--reps` timed calls after a
warm-up; the figure reported is the median over all timed calls of all rounds. Output: JSON on stdout.
OpenBLAS is threaded with its own pthreads, which torch.set_num_threads does not control: its thread count is
set through openblas_set_num_threads (ctypes).
"""
import argparse, ctypes, ctypes.util, json, statistics, sys, time

import torch
import torch.nn.functional as F


def openblas():
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib
        except OSError:
            pass
    return None


def timeit(fn, rounds, reps, min_time=0.2):
    """(median, best) seconds per call over rounds x reps calls (each call timed on its own)."""
    samples = []
    for _ in range(rounds):
        t_end = time.perf_counter() + min_time
        while time.perf_counter() < t_end:  # warm-up
            fn()
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t)
    return statistics.median(samples), min(samples)


CONV_CASES = {
    "seed_3x3_s2": ((20, 16, 50, 100), (33, 16, 3, 3), (2, 2), (0, 0), (1, 1)),
    "seed_3x5_s21_p42": ((20, 16, 50, 100), (33, 16, 3, 5), (2, 1), (4, 2), (1, 1)),
    "seed_3x5_s21_p42_d31": ((20, 16, 50, 100), (33, 16, 3, 5), (2, 1), (4, 2), (3, 1)),
    "mnist_conv1": ((64, 1, 28, 28), (20, 1, 5, 5), (1, 1), (0, 0), (1, 1)),
    "mnist_conv2": ((64, 20, 12, 12), (50, 20, 5, 5), (1, 1), (0, 0), (1, 1)),
}


# the training steps' matrix products (GemmShapesBench): <op(A)><op(B)>_<m>x<n>x<k>
GEMM_SHAPES = ["NT_64x512x784", "NT_64x512x512", "NT_64x10x512", "NN_64x784x512", "NN_64x512x512", "NN_64x512x10",
               "TN_512x784x64", "TN_512x512x64", "TN_10x512x64", "NT_64x500x800", "NN_64x800x500", "TN_500x800x64",
               "NT_32x500x800", "NN_32x800x500", "TN_500x800x32"]


def conv_backend(x, w, s, p, d):
    with torch.autograd.profiler.profile() as prof:
        F.conv2d(x, w, None, s, p, d)
    names = {e.name for e in prof.function_events}
    for n in ("aten::mkldnn_convolution", "aten::_slow_conv2d_forward", "aten::thnn_conv2d",
              "aten::slow_conv_dilated2d", "aten::_nnpack_spatial_convolution"):
        if n in names:
            return n
    return ",".join(sorted(n for n in names if "conv" in n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", default="gemm,shapes,conv,pointwise", help="comma-separated parts")
    args = ap.parse_args()
    only = set(args.only.split(","))
    blas = openblas()
    out = {"torch": torch.__version__, "mkldnn": torch.backends.mkldnn.is_available(),
           "openblas": blas.openblas_get_config().decode() if blas else None,
           "openblas_core": blas.openblas_get_corename().decode() if blas else None, "results": []}
    torch.manual_seed(0)
    for th in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(th)
        if blas:
            blas.openblas_set_num_threads(th)
        if "gemm" in only:
            for n in (128, 256, 512, 1024):
                a, b, c = torch.rand(n, n) - 0.5, torch.rand(n, n) - 0.5, torch.empty(n, n)
                reps = max(args.reps, int(0.5 / (2 * n ** 3 / 100e9)))
                t, best = timeit(lambda: torch.mm(a, b, out=c), args.rounds, min(reps, 400))
                out["results"].append({"bench": "sgemm", "case": str(n), "op": "sgemm", "threads": th,
                                       "seconds": t, "best": best, "gflops": 2 * n ** 3 / t / 1e9})
        if "shapes" in only:
            for case in GEMM_SHAPES:
                ops, dims = case.split("_")
                m, n, k = (int(v) for v in dims.split("x"))
                # op(A) = A^T: A stored k x m and viewed transposed (torch.mm hands OpenBLAS the transpose flag)
                a = (torch.rand(k, m) - 0.5).t() if ops[0] == "T" else torch.rand(m, k) - 0.5
                b = (torch.rand(n, k) - 0.5).t() if ops[1] == "T" else torch.rand(k, n) - 0.5
                c = torch.empty(m, n)
                reps = max(args.reps, int(0.5 / (2 * m * n * k / 100e9)))
                t, best = timeit(lambda: torch.mm(a, b, out=c), args.rounds, min(reps, 2000))
                out["results"].append({"bench": "shape", "case": case, "op": "sgemm", "threads": th,
                                       "seconds": t, "best": best, "gflops": 2 * m * n * k / t / 1e9})
        if "conv" in only:
            for name, (xs, ws, s, p, d) in CONV_CASES.items():
                x = (torch.rand(*xs) - 0.5).requires_grad_()
                w = (torch.rand(*ws) - 0.5).requires_grad_()
                with torch.no_grad():
                    y = F.conv2d(x, w, None, s, p, d)
                g = torch.rand_like(y) - 0.5
                backend = conv_backend(x.detach(), w.detach(), s, p, d)

                def fwd():
                    with torch.no_grad():
                        F.conv2d(x, w, None, s, p, d)

                # backward through autograd asking for one gradient only (PyTorch then computes just that one);
                # the forward is not timed: the graph is built once and retained.
                y = F.conv2d(x, w, None, s, p, d)
                bin_ = lambda: torch.autograd.grad(y, [x], g, retain_graph=True)
                bw = lambda: torch.autograd.grad(y, [w], g, retain_graph=True)
                for op, fn in (("forward", fwd), ("backwardInput", bin_), ("backwardWeight", bw)):
                    t, best = timeit(fn, args.rounds, args.reps)
                    out["results"].append({"bench": "conv2d", "case": name, "op": op, "threads": th,
                                           "seconds": t, "best": best, "backend": backend})
        if "pointwise" in only:
            n = 1 << 20
            x = torch.randn(n)
            y = torch.empty(n)
            xabs = x.abs()
            xt, ym = x.view(1024, 1024).t(), x.view(1024, 1024)
            sliced = torch.randn(1024, 2048)[:, ::2]
            fns = {"copy": lambda: y.copy_(x), "exp": lambda: torch.exp(x, out=y), "log": lambda: torch.log(xabs, out=y),
                   "tanh": lambda: torch.tanh(x, out=y), "gelu": lambda: torch._C._nn.gelu(x, out=y),
                   "sigmoid": lambda: torch.sigmoid(x, out=y),
                   # eager-shaped rows: a fresh output per call, as the Java side's mulScalar/add/relu/sum
                   "mulScalar": lambda: x.mul(0.5), "add": lambda: x.add(x), "relu": lambda: x.relu(),
                   "sum": lambda: x.sum(),
                   # strided operands (views), fresh output
                   "mulTransposed": lambda: xt.mul(ym), "addSliced": lambda: sliced.add(1), "tanhSliced": lambda: sliced.tanh()}
            for op, fn in fns.items():
                t, best = timeit(fn, args.rounds, max(args.reps, 50))
                out["results"].append({"bench": "pointwise", "case": "1M", "op": op, "threads": th,
                                       "seconds": t, "best": best, "gbps": 8 * n / t / 1e9})
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
