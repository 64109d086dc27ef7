"""Goldens for the exact GELU (F.gelu, approximate='none'), its gradient and erf, from PyTorch 1.13 on CPU.

    /usr/bin/python3 frontend/src/test/resources/goldens/gelu_erf/make_gelu_erf.py > frontend/src/test/resources/goldens/gelu_erf/gelu_erf.txt

One line per input, float32 values as 8 hex digits (their bits), columns:
  x  g  gelu32  gelu64  grad32  grad64  erf32  erf64
gelu32/grad32/erf32: torch.float32 on one contiguous tensor of all inputs (torch.set_num_threads(1));
grad is x.grad after gelu(x).backward(g). gelu64/grad64/erf64: the same in torch.float64, rounded to float32.
exact: x Phi(x) from Python's math.erfc (relative accuracy kept in the tail), rounded to float32; written as a
9th column, since float64 PyTorch cancels in 1 + erf below about x = -5.
"""
import math
import struct

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

xs = [0.0, -0.0, 1e-30, -1e-30, 1e-45, -1e-45, 1e-40, -1e-40, 1e-8, -1e-8, float("inf"), float("-inf"),
      -14.0, -13.0, -12.5, -12.0, -11.0, -10.5, -9.0, -8.0, -7.5, -7.0, -6.5, -6.0, -5.5, 10.5, 12.0, 20.0, 100.0,
      -0.495, -0.4951, 1.4142, 1.4143, -0.7518, 0.875, -1.2374, 3.9, -3.9, 5.7, -5.7]
xs += torch.linspace(-10, 10, 2001).tolist()
xs += (torch.randn(300) * 3).tolist()
x32 = torch.tensor(xs, dtype=torch.float32)
g32 = torch.randn(len(xs), dtype=torch.float32)
g32[:40] = 1.0


def run(dtype):
    x = x32.to(dtype).clone().requires_grad_(True)
    y = torch.nn.functional.gelu(x)
    y.backward(g32.to(dtype))
    return y.detach().float(), x.grad.float(), torch.erf(x.detach()).float()


y32, d32, e32 = run(torch.float32)
y64, d64, e64 = run(torch.float64)


def bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def exact(x):
    if math.isnan(x) or math.isinf(x):
        return x * 0.5 * math.erfc(-x / math.sqrt(2)) if x > 0 else float("nan")
    return x * 0.5 * math.erfc(-x / math.sqrt(2))


print("# x g gelu32 gelu64 grad32 grad64 erf32 erf64 exact (float32 bits, hex); made by make_gelu_erf.py, torch " + torch.__version__)
for i in range(len(xs)):
    x = float(x32[i])
    ex = torch.tensor(exact(x), dtype=torch.float64).float().item()
    cols = [x, float(g32[i]), float(y32[i]), float(y64[i]), float(d32[i]), float(d64[i]), float(e32[i]), float(e64[i]), ex]
    print(" ".join("%08x" % bits(c) for c in cols))
