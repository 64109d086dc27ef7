"""Measures how far Java's log/cos/sin put tcompile's float64 randn from PyTorch 1.13's (issue 17).

PyTorch's CPU normal fill for double (normal_fill_16: Box-Muller over chunks of 16 uniforms) calls glibc's log, cos and
sin. This script draws 1M float64 uniforms and normals with torch (seed 0), checks that Box-Muller with Python's math
module (glibc's libm) reproduces torch.randn bit for bit, and writes the uniforms and glibc's log/cos/sin results to
OUT_DIR; RandnFloat64Libm.java then counts where Java's Math and StrictMath differ.

Run from the repository root:
  /usr/bin/python3 tools/rng/randn_float64_libm.py /tmp/randn64
  java tools/rng/RandnFloat64Libm.java /tmp/randn64
"""
import math
import os
import sys

import numpy as np
import torch


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    n = 1_000_000
    torch.manual_seed(0)
    u = torch.rand(n, dtype=torch.float64).numpy()   # normal_fill's uniforms: the same draws as rand
    torch.manual_seed(0)
    r = torch.randn(n, dtype=torch.float64).numpy()
    out = np.empty(n)
    logs, coss, sins = (np.empty(n // 2) for _ in range(3))
    k = 0
    for i in range(0, n, 16):
        for j in range(8):
            lg = math.log(1 - u[i + j])
            theta = 2.0 * math.pi * u[i + j + 8]
            c, s = math.cos(theta), math.sin(theta)
            radius = math.sqrt(-2 * lg)
            out[i + j], out[i + j + 8] = radius * c, radius * s
            logs[k], coss[k], sins[k] = lg, c, s
            k += 1
    print("Box-Muller with glibc's libm vs torch.randn: %d of %d elements differ"
          % (int((out.view(np.int64) != r.view(np.int64)).sum()), n))
    for name, a in [("u", u), ("randn", r), ("log", logs), ("cos", coss), ("sin", sins)]:
        a.tofile(os.path.join(out_dir, name + ".bin"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/randn64")
