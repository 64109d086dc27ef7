#!/usr/bin/python3
"""Writes runtime/src/test/resources/goldens/softmax.txt: float32 torch.softmax / torch.log_softmax from PyTorch 1.13's
CPU kernels, for dev.tcompile.runtime.kernels.SoftmaxGoldenTest. Run with the system python that has torch 1.13:

    /usr/bin/python3 tools/goldens/softmax.py

Each case is three lines: "case NAME N", "x HEX...", "y HEX..." (float32 bit patterns of the contiguous input and
output). NAME is "OP/SHAPE/DIM/TAG", e.g. "softmax/3,100/1/randn10". One thread (ATen's dim != last softmax kernel
splits its vector and scalar columns by thread; the Java kernel reproduces the one-thread split), AVX2 kernels.
"""
from float32_goldens import bits, golden_path  # first: it selects the kernels torch loads

import torch  # noqa: E402

OUT = golden_path("softmax.txt")

g = torch.Generator().manual_seed(14)
cases = []
for n in [1, 7, 8, 10, 17, 64, 100, 1000, 4096]:
    rows = 1 if n == 4096 else 3
    for tag, scale, shift in [("randn0.1", 0.1, 0.0), ("randn1", 1.0, 0.0), ("randn10", 10.0, 0.0), ("randn100", 100.0, 0.0),
                              ("offset1000", 1.0, 1000.0)]:
        cases.append(((rows, n), 1, tag, torch.randn(rows, n, generator=g) * scale + shift))
    x = torch.randn(rows, n, generator=g) * 3
    x[:, ::3] = float("-inf")  # every third entry -inf; n == 1 rows are all -inf (NaN out, as PyTorch)
    cases.append(((rows, n), 1, "neginf", x))
    cases.append(((rows, n), 1, "equal", torch.full((rows, n), 0.3)))
x = torch.randn(2, 16, generator=g)
x[0] = float("-inf")
x[1, 5] = float("inf")
cases.append(((2, 16), 1, "allneginf_posinf", x))
cases.append(((4, 7, 5), 2, "rank3last", torch.randn(4, 7, 5, generator=g) * 4))
cases.append(((1000,), 0, "rank1", torch.randn(1000, generator=g) * 4))
# dims other than the last: inner sizes below, at and above ATen's 8 vector lanes
for shape, dim in [((5, 10, 3), 1), ((4, 17, 8), 1), ((3, 9, 19), 1), ((64, 24), 0), ((6, 100, 1), 1), ((2, 5, 40, 2), 2)]:
    for tag, scale in [("randn1", 1.0), ("randn10", 10.0)]:
        cases.append((shape, dim, tag, torch.randn(*shape, generator=g) * scale))

with open(OUT, "w") as f:
    f.write("# PyTorch %s float32 softmax / log_softmax goldens, written by tools/goldens/softmax.py (do not edit).\n"
            % torch.__version__)
    for shape, dim, tag, x in cases:
        for op, fn in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
            name = "%s/%s/%d/%s" % (op, ",".join(map(str, shape)), dim, tag)
            f.write("case %s %d\nx %s\ny %s\n" % (name, x.numel(), bits(x), bits(fn(x, dim))))
