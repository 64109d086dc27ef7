#!/usr/bin/python3
"""Writes runtime/src/test/resources/goldens/softmax_backward.txt: float32 softmax / log_softmax backward along the last
dim from PyTorch 1.13's CPU kernels (_softmax_backward_data / _log_softmax_backward_data), for
dev.tcompile.runtime.kernels.SoftmaxBackwardGoldenTest. Run with the system python that has torch 1.13:

    /usr/bin/python3 tools/goldens/softmax_backward.py

Each case is four lines: "case NAME N", "y HEX..." (the forward output), "g HEX..." (the incoming gradient),
"gx HEX..." (the input gradient), float32 bit patterns. NAME is "OP/ROWS,N/TAG".
"""
import os

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
import torch  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime", "src", "test", "resources", "goldens",
                   "softmax_backward.txt")


def bits(t):
    return " ".join("%08x" % (v & 0xffffffff) for v in t.contiguous().view(-1).view(torch.int32).tolist())


g = torch.Generator().manual_seed(17)
with open(OUT, "w") as f:
    f.write("# PyTorch %s float32 softmax / log_softmax backward goldens, written by tools/goldens/softmax_backward.py"
            " (do not edit).\n" % torch.__version__)
    for n in [1, 7, 8, 10, 17, 64, 100, 1000, 4096]:
        rows = 1 if n == 4096 else 3
        for tag, scale in [("randn1", 1.0), ("randn10", 10.0)]:
            x = torch.randn(rows, n, generator=g) * scale
            go = torch.randn(rows, n, generator=g)
            for op, fwd, bwd in [("softmax", torch.softmax, torch._softmax_backward_data),
                                 ("log_softmax", torch.log_softmax, torch._log_softmax_backward_data)]:
                y = fwd(x, 1)
                gx = bwd(go, y, 1, torch.float32)
                f.write("case %s/%d,%d/%s %d\ny %s\ng %s\ngx %s\n" % (op, rows, n, tag, y.numel(), bits(y), bits(go), bits(gx)))
