#!/usr/bin/python3
"""Writes runtime/src/test/resources/goldens/sigmoid.txt: float32 torch.sigmoid from PyTorch 1.13's CPU kernel,
for dev.tcompile.runtime.kernels.SigmoidGoldenTest. Run with the system python that has torch 1.13:

    /usr/bin/python3 tools/goldens/sigmoid.py

Each case is three lines: "case NAME N", "x HEX...", "y HEX..." (float32 bit patterns, 8 hex digits each).
PyTorch computes the first N - N % 16 elements of a contiguous tensor with its vector lanes (SLEEF expf_u10,
two 8-float AVX2 vectors per step) and the last N % 16 with the scalar 1 / (1 + expf(-x)) of glibc; one thread
and N < 32768, so at::parallel_for makes one chunk and that is the only tail. Cases named "single..." are
sigmoids of one-element tensors, so all of their values come from the scalar path.
"""
from float32_goldens import bits, golden_path  # first: it selects the kernels torch loads

import torch  # noqa: E402

OUT = golden_path("sigmoid.txt")

g = torch.Generator().manual_seed(17)
cases = []
for n in (7, 16, 35, 100, 1000):
    cases.append(("randn%d" % n, torch.randn(n, generator=g) * 4))
cases.append(("wide512", (torch.rand(512, generator=g) - 0.5) * 230))
cases.append(("edges", torch.tensor([0.0, -0.0, 1e-8, -1e-8, 1e-30, -1e-30, 0.5, -0.5, 15.0, 16.0, 17.0, -15.0, -16.0, -17.0,
                                     30.0, -30.0, 88.0, 88.7, 89.0, 100.0, 103.9, 104.0, 105.0, -88.0, -88.8, -89.0,
                                     -100.0, -103.9, -104.0, -105.0, float("inf"), float("-inf")])))
singles = (torch.rand(512, generator=g) - 0.5) * 60
with open(OUT, "w") as f:
    f.write("# PyTorch %s float32 torch.sigmoid goldens, written by tools/goldens/sigmoid.py (do not edit).\n" % torch.__version__)
    for name, x in cases:
        x = x.contiguous()
        f.write("case %s %d\nx %s\ny %s\n" % (name, x.numel(), bits(x), bits(torch.sigmoid(x))))
    y = torch.cat([torch.sigmoid(v.reshape(1)) for v in singles])
    f.write("case single512 %d\nx %s\ny %s\n" % (singles.numel(), bits(singles), bits(y)))
