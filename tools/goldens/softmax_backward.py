#!/usr/bin/python3
"""Writes runtime/src/test/resources/goldens/softmax_backward.txt: float32 softmax / log_softmax backward from PyTorch
1.13's CPU kernels (_softmax_backward_data / _log_softmax_backward_data), for
dev.tcompile.runtime.kernels.SoftmaxBackwardGoldenTest. Run with the system python that has torch 1.13:

    /usr/bin/python3 tools/goldens/softmax_backward.py

Each case is four lines: "case NAME N", "y HEX..." (the forward output), "g HEX..." (the incoming gradient),
"gx HEX..." (the input gradient), float32 bit patterns. NAME is "OP/SHAPE/DIM/TAG".
"""
from float32_goldens import bits, golden_path  # first: it selects the kernels torch loads

import torch  # noqa: E402

OUT = golden_path("softmax_backward.txt")

g = torch.Generator().manual_seed(17)
with open(OUT, "w") as f:
    f.write("# PyTorch %s float32 softmax / log_softmax backward goldens, written by tools/goldens/softmax_backward.py"
            " (do not edit).\n" % torch.__version__)
    cases = []
    for n in [1, 7, 8, 10, 17, 64, 100, 1000, 4096]:
        rows = 1 if n == 4096 else 3
        for tag, scale in [("randn1", 1.0), ("randn10", 10.0)]:
            cases.append(((rows, n), 1, tag, scale))
    # dims other than the last: inner sizes below, at and above 8
    for shape, dim in [((5, 10, 3), 1), ((4, 17, 8), 1), ((3, 9, 19), 1), ((64, 24), 0), ((6, 100, 1), 1)]:
        for tag, scale in [("randn1", 1.0), ("randn10", 10.0)]:
            cases.append((shape, dim, tag, scale))
    for shape, dim, tag, scale in cases:
        x = torch.randn(*shape, generator=g) * scale
        go = torch.randn(*shape, generator=g)
        for op, fwd, bwd in [("softmax", torch.softmax, torch._softmax_backward_data),
                             ("log_softmax", torch.log_softmax, torch._log_softmax_backward_data)]:
            y = fwd(x, dim)
            gx = bwd(go, y, dim, torch.float32)
            f.write("case %s/%s/%d/%s %d\ny %s\ng %s\ngx %s\n" % (op, ",".join(map(str, shape)), dim, tag, y.numel(), bits(y),
                                                                    bits(go), bits(gx)))
