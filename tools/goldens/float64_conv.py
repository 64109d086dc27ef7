"""Writes frontend/src/test/resources/goldens/float64_conv.json: PyTorch 1.13's float64 convolution, pooling
(max, average, adaptive average) and padding (values, grad_fn and gradients), in the "cases" format of ops.json / float64.json (float64 values as
16-hex-digit bit patterns, int64 as numbers).

Run with the PyTorch interpreter from the repository root:  /usr/bin/python3 tools/goldens/float64_conv.py

The Java kernels sum in another order than PyTorch's (im2col + BLAS product), so none of these cases is "exact":
the test compares with GoldenTensors' float64 tolerances (1e-12 relative, 1e-14 absolute).
"""
import json
import os
import struct

import torch
import torch.nn.functional as F

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "float64_conv.json")
F64 = torch.float64
_seed = [1300]


def gen():
    _seed[0] += 1
    return torch.Generator().manual_seed(_seed[0])


def randn(*shape):
    return torch.randn(shape, generator=gen(), dtype=F64)


def hex64(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def encode_dense(t):
    t = t.detach().contiguous()
    if t.dtype == F64:
        return {"dtype": "float64", "shape": list(t.shape), "values": [hex64(v) for v in t.reshape(-1).tolist()]}
    assert t.dtype == torch.int64
    return {"dtype": "int64", "shape": list(t.shape), "values": t.reshape(-1).tolist()}


def encode_leaf(t):
    return {"dtype": "float64", "storage": [hex64(v) for v in t.detach().reshape(-1).tolist()], "shape": list(t.shape),
            "strides": list(t.stride()), "offset": 0, "requires_grad": True, "through": []}


def node_name(fn):
    return None if fn is None else fn.name()  # as Java's gradFn().name(): torch::autograd::CopySlices for circular


CASES = []


def record(name, op, inputs, args, fn):
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    out = fn(*leaves)
    outs = list(out) if isinstance(out, tuple) else [out]
    entry = {"name": name, "op": op, "args": args, "exact": False,
             "inputs": [encode_leaf(l) for l in leaves],
             "outputs": [encode_dense(o) for o in outs], "grad_fn": node_name(outs[0].grad_fn)}
    diff = [o for o in outs if o.requires_grad]
    ups = [torch.randn(o.shape, generator=gen(), dtype=o.dtype) for o in diff]
    grads = torch.autograd.grad(diff, leaves, ups)
    entry["upstream"] = [encode_dense(u) for u in ups]
    entry["grads"] = [encode_dense(g) for g in grads]
    CASES.append(entry)


def conv(name, xs, ws, bias, stride, padding, dilation, groups):
    ins = [randn(*xs), randn(*ws)] + ([randn(ws[0])] if bias else [])
    args = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    record(name, "conv2d", ins, args,
           lambda x, w, b=None: F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups))


def max_pool(name, x, k, s, p, d, ceil):
    args = {"kernel_size": k, "stride": s, "padding": p, "dilation": d, "ceil_mode": ceil}
    record(name, "max_pool2d", [x], args,
           lambda t: F.max_pool2d(t, k, s, p, d, ceil_mode=ceil, return_indices=True))


def avg_pool(name, xs, k, s, p, ceil, include_pad):
    args = {"kernel_size": k, "stride": s, "padding": p, "ceil_mode": ceil, "count_include_pad": include_pad}
    record(name, "avg_pool2d", [randn(*xs)], args,
           lambda t: F.avg_pool2d(t, k, s, p, ceil_mode=ceil, count_include_pad=include_pad))


def adaptive_avg_pool(name, xs, size):
    record(name, "adaptive_avg_pool2d", [randn(*xs)], {"output_size": size}, lambda t: F.adaptive_avg_pool2d(t, size))


def pad(name, xs, amounts, mode, value=0.0):
    args = {"pad": amounts, "mode": mode, "value": value}
    record(name, "pad", [randn(*xs)], args,
           lambda t: F.pad(t, amounts, mode, value) if mode == "constant" else F.pad(t, amounts, mode))


conv("conv2d/bias_3x3", [2, 3, 7, 6], [4, 3, 3, 3], True, [1, 1], [0, 0], [1, 1], 1)
conv("conv2d/stride_pad_dilation", [2, 2, 9, 8], [3, 2, 3, 2], True, [2, 1], [1, 2], [1, 2], 1)
conv("conv2d/groups2_no_bias", [1, 4, 10, 9], [6, 2, 3, 3], False, [2, 2], [1, 1], [2, 2], 2)
conv("conv2d/depthwise_stride2", [2, 3, 6, 7], [3, 1, 2, 2], True, [2, 3], [0, 1], [1, 1], 3)
conv("conv2d/unbatched_pad2", [2, 5, 5], [2, 2, 3, 3], True, [1, 1], [2, 2], [1, 1], 1)

max_pool("max_pool2d/2x2", randn(2, 3, 8, 8), [2, 2], [2, 2], [0, 0], [1, 1], False)
max_pool("max_pool2d/3x3_pad_ceil", randn(1, 2, 7, 9), [3, 3], [2, 2], [1, 1], [1, 1], True)
max_pool("max_pool2d/rect_dilation", randn(2, 2, 9, 7), [3, 2], [2, 1], [1, 0], [2, 1], False)
max_pool("max_pool2d/unbatched_ceil", randn(3, 5, 5), [2, 2], [2, 2], [0, 0], [1, 1], True)
# ties: values on a coarse grid, so windows often hold equal maxima (the first one wins)
max_pool("max_pool2d/ties", torch.round(randn(1, 2, 6, 6)), [3, 3], [1, 1], [1, 1], [1, 1], False)

avg_pool("avg_pool2d/2x2", [2, 3, 8, 8], [2, 2], [2, 2], [0, 0], False, True)
avg_pool("avg_pool2d/pad_ceil_include_pad", [1, 2, 7, 9], [3, 3], [2, 2], [1, 1], True, True)
avg_pool("avg_pool2d/pad_ceil_exclude_pad", [1, 2, 7, 9], [3, 3], [2, 2], [1, 1], True, False)
avg_pool("avg_pool2d/unbatched_rect", [3, 8, 7], [3, 2], [2, 3], [1, 1], False, False)

adaptive_avg_pool("adaptive_avg_pool2d/overlapping", [2, 3, 7, 9], [3, 4])
adaptive_avg_pool("adaptive_avg_pool2d/unbatched", [3, 5, 7], [2, 3])
adaptive_avg_pool("adaptive_avg_pool2d/1x1", [2, 3, 5, 4], [1, 1])

pad("pad/constant_value", [2, 3, 4], [1, 2, 0, 1], "constant", 0.5)
pad("pad/constant_negative", [2, 3, 5], [-1, 2, 1, -1], "constant", 0.0)
pad("pad/reflect_2d", [1, 2, 4, 5], [2, 1, 1, 2], "reflect")
pad("pad/replicate_2d", [1, 2, 4, 5], [2, 1, 1, 2], "replicate")
pad("pad/reflect_1d", [2, 3, 6], [3, 2], "reflect")
pad("pad/circular_1d", [2, 3, 4], [1, 2], "circular")

with open(OUT, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
print("wrote", OUT, len(CASES), "cases")
