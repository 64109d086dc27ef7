#!/usr/bin/python3
"""Writes runtime/src/test/resources/goldens/exp.txt: float32 torch.exp from PyTorch 1.13's CPU kernel, for
dev.tcompile.runtime.kernels.ExpGoldenTest. Run with the system python that has torch 1.13:

    /usr/bin/python3 tools/goldens/exp.py

Each case is three lines: "case NAME N", "x HEX...", "y HEX..." (float32 bit patterns). Every N is a multiple of
16, so PyTorch computes all of it in its vector lanes (SLEEF expf_u10, two 8-float AVX2 vectors per step; one
thread, N < 32768: one chunk, no scalar tail).
"""
from float32_goldens import bits, golden_path  # first: it selects the kernels torch loads

import torch  # noqa: E402

OUT = golden_path("exp.txt")

g = torch.Generator().manual_seed(23)
edges = [0.0, -0.0, 1e-8, -1e-8, 0.5, -0.5, 1.0, -1.0, 10.0, -10.0, 88.0, 88.7, 88.73, 89.0, 100.0, 105.0,
         -87.0, -88.0, -100.0, -103.0, -103.9, -104.0, -105.0, -150.0, float("inf"), float("-inf"), 0.693147, -0.693147,
         1e-3, -1e-3, 20.0, -20.0]
cases = [("randn2048", torch.randn(2048, generator=g) * 20), ("small1024", (torch.rand(1024, generator=g) - 0.5) * 2),
         ("edges", torch.tensor(edges))]
with open(OUT, "w") as f:
    f.write("# PyTorch %s float32 torch.exp goldens, written by tools/goldens/exp.py (do not edit).\n" % torch.__version__)
    for name, x in cases:
        x = x.contiguous()
        assert x.numel() % 16 == 0
        f.write("case %s %d\nx %s\ny %s\n" % (name, x.numel(), bits(x), bits(torch.exp(x))))
