"""Writes frontend/src/test/resources/goldens/ops.json: PyTorch 1.13's answers for every op of API.md section 1.

Run with the PyTorch interpreter from the repository root:  /usr/bin/python3 tools/goldens/ops.py

Sections of the file:
  cases           one op applied to leaf inputs: output values and dtypes, grad_fn name, and the gradient of
                  every float input for a fixed random upstream gradient (torch.autograd.grad)
  errors          the exact message PyTorch raises for a misuse (Java maps each name to the same misuse)
  double_backward first and second derivatives through create_graph=True

Inputs are stored with their full geometry (storage as float32 bit patterns, shape, strides, offset) so that
Java rebuilds the same non-contiguous leaves; "through" lists view ops applied after the leaf (so gradients
flow back through them). Op names are the keys of OPS below; the Java test maps the same names to Tensor calls.
"""
import json
import os
import struct

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "ops.json")

# Ops whose PyTorch result is fully determined by IEEE arithmetic (one correctly rounded operation per element,
# or a pure data movement), so Java must reproduce the bits. Everything else is compared with a tolerance.
EXACT = {
    "add", "sub", "mul", "div", "add_scalar", "sub_scalar", "mul_scalar", "div_scalar", "neg", "abs", "relu",
    "sqrt", "square", "reciprocal", "clamp", "t", "transpose", "permute", "reshape", "view", "flatten",
    "flatten_range", "expand", "squeeze", "squeeze_dim", "unsqueeze", "contiguous", "narrow", "select",
    "index_select", "max", "min", "max_dim", "min_dim", "argmax", "argmax_dim", "eq", "ne", "gt", "ge", "lt", "le",
    "eq_scalar", "ne_scalar", "gt_scalar", "ge_scalar", "lt_scalar", "le_scalar", "all", "any", "cat", "stack",
    "where", "where_scalar", "add_", "sub_", "mul_", "div_", "add_scalar_", "mul_scalar_", "zero_", "fill_",
    "copy_", "clamp_",
}


def scalar(a):
    return int(a["value"]) if a.get("int") else float(a["value"])


OPS = {
    "add": lambda x, a: x[0].add(x[1]),
    "sub": lambda x, a: x[0].sub(x[1]),
    "mul": lambda x, a: x[0].mul(x[1]),
    "div": lambda x, a: x[0].div(x[1]),
    "pow": lambda x, a: x[0].pow(x[1]),
    "add_scalar": lambda x, a: x[0].add(scalar(a)),
    "sub_scalar": lambda x, a: x[0].sub(scalar(a)),
    "mul_scalar": lambda x, a: x[0].mul(scalar(a)),
    "div_scalar": lambda x, a: x[0].div(scalar(a)),
    "pow_scalar": lambda x, a: x[0].pow(scalar(a)),
    "neg": lambda x, a: x[0].neg(),
    "abs": lambda x, a: x[0].abs(),
    "exp": lambda x, a: x[0].exp(),
    "log": lambda x, a: x[0].log(),
    "sqrt": lambda x, a: x[0].sqrt(),
    "rsqrt": lambda x, a: x[0].rsqrt(),
    "sin": lambda x, a: x[0].sin(),
    "cos": lambda x, a: x[0].cos(),
    "tanh": lambda x, a: x[0].tanh(),
    "sigmoid": lambda x, a: x[0].sigmoid(),
    "relu": lambda x, a: x[0].relu(),
    "square": lambda x, a: x[0].square(),
    "reciprocal": lambda x, a: x[0].reciprocal(),
    "clamp": lambda x, a: x[0].clamp(a.get("min"), a.get("max")),
    "matmul": lambda x, a: x[0].matmul(x[1]),
    "mm": lambda x, a: x[0].mm(x[1]),
    "bmm": lambda x, a: x[0].bmm(x[1]),
    "mv": lambda x, a: x[0].mv(x[1]),
    "dot": lambda x, a: x[0].dot(x[1]),
    "t": lambda x, a: x[0].t(),
    "transpose": lambda x, a: x[0].transpose(a["dim0"], a["dim1"]),
    "permute": lambda x, a: x[0].permute(*a["dims"]),
    "reshape": lambda x, a: x[0].reshape(a["shape"]),
    "view": lambda x, a: x[0].view(a["shape"]),
    "flatten": lambda x, a: x[0].flatten(),
    "flatten_range": lambda x, a: x[0].flatten(a["start"], a["end"]),
    "expand": lambda x, a: x[0].expand(a["shape"]),
    "squeeze": lambda x, a: x[0].squeeze(),
    "squeeze_dim": lambda x, a: x[0].squeeze(a["dim"]),
    "unsqueeze": lambda x, a: x[0].unsqueeze(a["dim"]),
    "contiguous": lambda x, a: x[0].contiguous(),
    "narrow": lambda x, a: x[0].narrow(a["dim"], a["start"], a["length"]),
    "select": lambda x, a: x[0].select(a["dim"], a["index"]),
    "index_select": lambda x, a: x[0].index_select(a["dim"], x[1]),
    "sum": lambda x, a: x[0].sum(),
    "sum_dim": lambda x, a: x[0].sum(a["dim"], keepdim=a["keepdim"]),
    "sum_dims": lambda x, a: x[0].sum(a["dims"], keepdim=a["keepdim"]),
    "mean": lambda x, a: x[0].mean(),
    "mean_dim": lambda x, a: x[0].mean(a["dim"], keepdim=a["keepdim"]),
    "mean_dims": lambda x, a: x[0].mean(a["dims"], keepdim=a["keepdim"]),
    "max": lambda x, a: x[0].max(),
    "min": lambda x, a: x[0].min(),
    "max_dim": lambda x, a: tuple(x[0].max(a["dim"], keepdim=a["keepdim"])),
    "min_dim": lambda x, a: tuple(x[0].min(a["dim"], keepdim=a["keepdim"])),
    "argmax": lambda x, a: x[0].argmax(),
    "argmax_dim": lambda x, a: x[0].argmax(a["dim"], keepdim=a["keepdim"]),
    "norm": lambda x, a: x[0].norm(),
    "norm_p": lambda x, a: x[0].norm(a["p"]),
    "var": lambda x, a: x[0].var(),
    "var_dim": lambda x, a: x[0].var(a["dim"], unbiased=a["unbiased"], keepdim=a["keepdim"]),
    "std": lambda x, a: x[0].std(),
    "std_dim": lambda x, a: x[0].std(a["dim"], unbiased=a["unbiased"], keepdim=a["keepdim"]),
    "softmax": lambda x, a: x[0].softmax(a["dim"]),
    "log_softmax": lambda x, a: x[0].log_softmax(a["dim"]),
    "all": lambda x, a: x[0].all(),
    "any": lambda x, a: x[0].any(),
    "cat": lambda x, a: torch.cat(x, a["dim"]),
    "stack": lambda x, a: torch.stack(x, a["dim"]),
    "where": lambda x, a: torch.where(x[0], x[1], x[2]),
    "where_scalar": lambda x, a: torch.where(x[0], x[1], scalar(a)),
    "add_": lambda x, a: x[0].clone().add_(x[1]),
    "sub_": lambda x, a: x[0].clone().sub_(x[1]),
    "mul_": lambda x, a: x[0].clone().mul_(x[1]),
    "div_": lambda x, a: x[0].clone().div_(x[1]),
    "add_scalar_": lambda x, a: x[0].clone().add_(scalar(a)),
    "mul_scalar_": lambda x, a: x[0].clone().mul_(scalar(a)),
    "zero_": lambda x, a: x[0].clone().zero_(),
    "fill_": lambda x, a: x[0].clone().fill_(scalar(a)),
    "copy_": lambda x, a: x[0].clone().copy_(x[1]),
    "clamp_": lambda x, a: x[0].clone().clamp_(a.get("min"), a.get("max")),
}
for _c in ("eq", "ne", "gt", "ge", "lt", "le"):
    OPS[_c] = (lambda c: lambda x, a: getattr(x[0], c)(x[1]))(_c)
    OPS[_c + "_scalar"] = (lambda c: lambda x, a: getattr(x[0], c)(scalar(a)))(_c)

# ------------------------------------------------------------------------------------------- inputs
_seed = [100]


def gen():
    _seed[0] += 1
    return torch.Generator().manual_seed(_seed[0])


def randn(*shape):
    return torch.randn(shape, generator=gen())


def pos(*shape):
    """Values in [0.5, 2.5): safe for log, sqrt, rsqrt, reciprocal and as divisors."""
    return torch.rand(shape, generator=gen()) * 2 + 0.5


def ints(*shape, lo=-5, hi=6):
    return torch.randint(lo, hi, shape, generator=gen())


def bools(*shape):
    return torch.rand(shape, generator=gen()) > 0.5


def f32(v):
    return torch.tensor(v, dtype=torch.float32)


class In:
    """One input: a leaf (any geometry), whether it requires grad, and view ops applied after it."""

    def __init__(self, t, grad=None, through=()):
        self.t = t.detach()
        self.grad = t.is_floating_point() if grad is None else grad
        self.through = list(through)


def as_in(x):
    return x if isinstance(x, In) else In(x)


def view_of(t, recipe):
    kind, *a = recipe
    if kind == "t":
        return t.t()
    if kind == "transpose":
        return t.transpose(*a)
    if kind == "slice":  # dim, start, end, step
        dim, start, end, step = a
        idx = [slice(None)] * t.dim()
        idx[dim] = slice(start, end, step)
        return t[tuple(idx)]
    if kind == "expand":
        return t.expand(*a[0])
    raise ValueError(kind)


# ------------------------------------------------------------------------------------------- encoding
def bits(values):
    return [struct.unpack("<i", struct.pack("<f", v))[0] for v in values]


def encode_values(t):
    flat = t.detach().contiguous().reshape(-1).tolist()
    if t.dtype == torch.float32:
        return bits(flat)
    if t.dtype == torch.int64:
        return [int(v) for v in flat]
    if t.dtype == torch.bool:
        return [bool(v) for v in flat]
    raise ValueError(t.dtype)


def dtype_name(t):
    return {torch.float32: "float32", torch.int64: "int64", torch.bool: "bool"}[t.dtype]


def encode_leaf(i):
    t = i.t
    storage = t.storage()
    n = len(storage)
    base = torch.empty(0, dtype=t.dtype).set_(storage, 0, (n,), (1,))
    return {
        "dtype": dtype_name(t), "storage": encode_values(base), "shape": list(t.shape), "strides": list(t.stride()),
        "offset": t.storage_offset(), "requires_grad": i.grad, "through": [list(r) for r in i.through],
    }


def encode_dense(t, slack=0.0):
    d = {"dtype": dtype_name(t), "shape": list(t.shape), "values": encode_values(t)}
    if slack:
        d["slack"] = slack
    return d


def node_name(fn):
    """The node's class name, as print(t.grad_fn) shows it (name() spells some C++-qualified)."""
    return None if fn is None else type(fn).__name__


# ------------------------------------------------------------------------------------------- cases
CASES = []
NAMES = set()


def run(op, ins, args, dtype):
    """Leaves (float ones converted to dtype), the op's inputs after the view recipes, and its outputs."""
    leaves = []
    for i in ins:
        leaf = i.t.detach()
        if leaf.is_floating_point():
            leaf = leaf.to(dtype)
        if i.grad:
            leaf.requires_grad_(True)
        leaves.append(leaf)
    xs = []
    for leaf, i in zip(leaves, ins):
        x = leaf
        for r in i.through:
            x = view_of(x, r)
        xs.append(x)
    out = OPS[op](xs, args)
    return leaves, list(out) if isinstance(out, tuple) else [out]


def grads_of(outs, leaves, ups):
    diff = [o for o in outs if o.requires_grad]
    wrt = [l for l in leaves if l.requires_grad]
    it = iter(torch.autograd.grad(diff, wrt, ups, allow_unused=True))
    return [next(it) if l.requires_grad else None for l in leaves]


RTOL = 1.3e-6  # the relative tolerance of the Java comparison (torch.testing's float32 default)


def slack(t32, t64):
    """PyTorch's own float32 error beyond the relative tolerance: the largest |f32 - f64| - RTOL * |f64| over the
    finite elements (0 when PyTorch's float32 answer is within rounding of the float64 one)."""
    if t32 is None or not t32.is_floating_point():
        return 0.0
    a, b = t32.detach().double(), t64.detach().double()
    finite = torch.isfinite(a) & torch.isfinite(b)
    excess = (a - b).abs() - RTOL * b.abs()
    return max(0.0, float(excess[finite].max())) if finite.any() else 0.0


def case(name, op, inputs, **args):
    """One golden case. Beside PyTorch's float32 answer each float tensor records its "slack": how far that answer
    is from the same computation in float64. Accumulation order (sums, means, norms, matmul, softmax) can put an
    exact-in-double implementation that far from PyTorch's float32 one, so Java allows it on top of its tolerance."""
    assert name not in NAMES, name
    NAMES.add(name)
    ins = [as_in(x) for x in inputs]
    leaves, outs = run(op, ins, args, torch.float32)
    leaves64, outs64 = run(op, ins, args, torch.float64)
    entry = {
        "name": name, "op": op, "args": args, "exact": op in EXACT, "inputs": [encode_leaf(i) for i in ins],
        "outputs": [encode_dense(o, slack(o, o64)) for o, o64 in zip(outs, outs64)],
        "grad_fn": node_name(outs[0].grad_fn),
    }
    diff = [o for o in outs if o.requires_grad]
    if diff and any(l.requires_grad for l in leaves):
        ups = [torch.randn(o.shape, generator=gen()) for o in diff]
        grads = grads_of(outs, leaves, ups)
        grads64 = grads_of(outs64, leaves64, [u.double() for u in ups])
        entry["upstream"] = [encode_dense(u) for u in ups]
        entry["grads"] = [None if g is None else encode_dense(g, slack(g, g64)) for g, g64 in zip(grads, grads64)]
    CASES.append(entry)


def pointwise_binary():
    shapes = [("same_3x4", (3, 4), (3, 4)), ("bcast_3x1_1x4", (3, 1), (1, 4)), ("bcast_2x3x4_4", (2, 3, 4), (4,)),
              ("bcast_4_2x3x4", (4,), (2, 3, 4)), ("zero_dim_and_3", (), (3,)), ("both_zero_dim", (), ())]
    for op in ("add", "sub", "mul", "div"):
        for tag, sa, sb in shapes:
            b = pos(*sb) if op == "div" else randn(*sb)
            case(f"{op}/{tag}", op, [randn(*sa), b])
        case(f"{op}/transposed_and_sliced", op, [randn(4, 3).t(), pos(3, 8)[:, ::2]])
        case(f"{op}/expanded", op, [randn(1, 4).expand(3, 4), pos(3, 4)])
        case(f"{op}/through_views", op, [In(randn(4, 3), through=[("t",)]), In(pos(3, 9), through=[("slice", 1, 1, 9, 2)])])
        case(f"{op}/float_scalar", op + "_scalar", [randn(3, 4)], value=0.37, int=False)
        case(f"{op}/int_scalar", op + "_scalar", [randn(2, 3)], value=3, int=True)
        case(f"{op}/zero_dim_scalar", op + "_scalar", [randn()], value=-1.5, int=False)
        case(f"{op}/int64", op, [ints(3, 4), ints(4, lo=1, hi=5)])
        case(f"{op}/int64_float", op, [ints(3, 4), randn(3, 4)])
        case(f"{op}/int64_float_scalar", op + "_scalar", [ints(5)], value=2.5, int=False)
        case(f"{op}/int64_int_scalar", op + "_scalar", [ints(5)], value=2, int=True)
        if op != "sub":  # PyTorch refuses subtraction with bool tensors (see errors)
            case(f"{op}/bool_float", op, [bools(2, 3), randn(2, 3)])
            case(f"{op}/bool_int_scalar", op + "_scalar", [bools(4)], value=2, int=True)
            case(f"{op}/bool_bool", op, [bools(2, 3), bools(3)])
    case("div/by_zero", "div", [f32([1.0, -1.0, 0.0, 2.0]), f32([0.0, 0.0, 0.0, 4.0])])
    case("div/int64_by_zero", "div", [torch.tensor([1, -1, 0, 7]), torch.tensor([0, 0, 0, 2])])


def powers():
    case("pow/tensor_same", "pow", [pos(3, 4), randn(3, 4)])
    case("pow/tensor_bcast", "pow", [pos(3, 1), randn(4)])
    case("pow/zero_base", "pow", [f32([0.0, 0.0, 0.0, 2.0]), f32([0.0, 2.0, 0.5, 0.0])])
    case("pow/int64", "pow", [ints(5, lo=-3, hi=4), ints(5, lo=0, hi=4)])
    case("pow/int64_float", "pow", [ints(5, lo=1, hi=4), randn(5)])
    for p in (2.0, 3.0, 0.5, -1.0, 2.5, 0.0, 1.0, -2.0):
        case(f"pow_scalar/{p}", "pow_scalar", [pos(3, 4)], value=p, int=False)
    case("pow_scalar/negative_base_2", "pow_scalar", [randn(6)], value=2.0, int=False)
    case("pow_scalar/negative_base_3", "pow_scalar", [randn(6)], value=3, int=True)
    case("pow_scalar/zero_dim", "pow_scalar", [randn()], value=2, int=True)
    case("pow_scalar/transposed", "pow_scalar", [pos(4, 3).t()], value=1.5, int=False)
    case("pow_scalar/with_zero", "pow_scalar", [f32([0.0, 1.0, 2.0])], value=0.5, int=False)
    case("pow_scalar/negative_base_fraction", "pow_scalar", [f32([-2.0, 2.0])], value=0.5, int=False)
    case("pow_scalar/zero_base_negative", "pow_scalar", [f32([0.0, 2.0])], value=-1.0, int=False)
    case("pow_scalar/int64_int", "pow_scalar", [ints(5)], value=2, int=True)
    case("pow_scalar/int64_int_3", "pow_scalar", [ints(5)], value=3, int=True)
    case("pow_scalar/int64_float", "pow_scalar", [ints(5)], value=2.0, int=False)
    case("pow_scalar/bool_int", "pow_scalar", [bools(5)], value=2, int=True)


def unary():
    domains = {"log": pos, "sqrt": pos, "rsqrt": pos, "reciprocal": pos}
    for op in ("neg", "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "relu", "square",
               "reciprocal"):
        make = domains.get(op, randn)
        case(f"{op}/3x4", op, [make(3, 4)])
        case(f"{op}/zero_dim", op, [make()])
        case(f"{op}/transposed", op, [make(4, 3).t()])
        case(f"{op}/sliced_step", op, [make(3, 8)[:, 1::3]])
        case(f"{op}/expanded", op, [make(1, 4).expand(3, 4)])
        case(f"{op}/through_transpose", op, [In(make(2, 3, 4), through=[("transpose", 0, 2)])])
        case(f"{op}/empty", op, [make(0, 3)])
        if op in ("neg", "abs", "relu", "square"):
            case(f"{op}/int64", op, [ints(2, 5)])
        else:
            case(f"{op}/int64", op, [ints(2, 5, lo=1, hi=9)])
        if op not in ("neg", "abs", "relu"):
            case(f"{op}/bool", op, [bools(5)])
    case("abs/zeros", "abs", [f32([0.0, -0.0, 1.0, -2.0])])
    case("relu/zeros", "relu", [f32([0.0, -0.0, 1.0, -2.0])])
    case("sqrt/zero", "sqrt", [f32([0.0, 4.0])])
    case("exp/large", "exp", [f32([88.0, 89.0, -104.0, -88.0])])
    case("sigmoid/large", "sigmoid", [f32([-100.0, 100.0, 0.0, 20.0])])
    case("tanh/large", "tanh", [f32([-30.0, 30.0, 0.0, 1e-8])])
    case("log/zero_negative", "log", [f32([0.0, -1.0, 1.0])])
    case("sqrt/negative", "sqrt", [f32([-1.0, 4.0])])
    case("rsqrt/zero_negative", "rsqrt", [f32([0.0, -1.0, 4.0])])
    case("reciprocal/zero", "reciprocal", [f32([0.0, -0.0, 2.0])])


def clamps():
    x = f32([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    case("clamp/both", "clamp", [x], min=-1.0, max=1.0)
    case("clamp/min_only", "clamp", [randn(3, 4)], min=0.0)
    case("clamp/max_only", "clamp", [randn(3, 4)], max=0.25)
    case("clamp/transposed", "clamp", [randn(4, 3).t()], min=-0.5, max=0.5)
    case("clamp/zero_dim", "clamp", [randn()], min=-0.1, max=0.1)
    case("clamp/int64_int", "clamp", [ints(8)], min=-2, max=3, int=True)
    case("clamp/int64_float", "clamp", [ints(8)], min=-2.5, max=3.5)
    case("clamp/float_int", "clamp", [randn(6) * 3], min=-1, max=2, int=True)
    case("clamp/bool_int", "clamp", [bools(5)], min=0, max=1, int=True)
    case("clamp_/both", "clamp_", [randn(3, 4)], min=-0.5, max=0.5)
    case("clamp/signed_zero_nan", "clamp", [f32([-0.0, 0.0, float("nan"), -3.0])], min=0.0, max=1.0)
    case("clamp/min_above_max", "clamp", [f32([-1.0, 0.5, 2.0])], min=1.0, max=0.0)
    case("clamp/int64_min_above_max", "clamp", [ints(5)], min=2, max=-1, int=True)


def matmuls():
    shapes = [("1d_1d", (4,), (4,)), ("2d_1d", (3, 4), (4,)), ("1d_2d", (4,), (4, 5)), ("2d_2d", (3, 4), (4, 5)),
              ("3d_2d", (2, 3, 4), (4, 5)), ("3d_1d", (2, 3, 4), (4,)), ("1d_3d", (4,), (2, 4, 5)),
              ("2d_3d", (3, 4), (2, 4, 5)), ("3d_3d", (2, 3, 4), (2, 4, 5)), ("bcast_batch", (2, 1, 3, 4), (5, 4, 2)),
              ("4d_1d", (2, 2, 3, 4), (4,))]
    for tag, sa, sb in shapes:
        case(f"matmul/{tag}", "matmul", [randn(*sa), randn(*sb)])
    case("matmul/transposed", "matmul", [randn(4, 3).t(), randn(5, 4).t()])
    case("matmul/int64", "matmul", [ints(2, 3), ints(3, 2)])
    case("matmul/empty_batch", "matmul", [randn(0, 3, 4), randn(4, 2)])
    case("matmul/permuted_3d_2d", "matmul", [randn(2, 4, 3).transpose(1, 2), randn(4, 5)])
    case("matmul/expanded", "matmul", [randn(1, 4).expand(3, 4), randn(4, 2)])
    case("mm/basic", "mm", [randn(3, 4), randn(4, 5)])
    case("mm/transposed_both", "mm", [randn(4, 3).t(), randn(5, 4).t()])
    case("mm/sliced", "mm", [randn(3, 8)[:, ::2], randn(4, 5)])
    case("mm/through_views", "mm", [In(randn(4, 3), through=[("t",)]), randn(4, 2)])
    case("mm/expanded", "mm", [randn(1, 4).expand(3, 4), randn(4, 2)])
    case("mm/k_zero", "mm", [randn(3, 0), randn(0, 2)])
    case("mm/int64", "mm", [ints(2, 3), ints(3, 4)])
    case("bmm/basic", "bmm", [randn(2, 3, 4), randn(2, 4, 5)])
    case("bmm/transposed", "bmm", [randn(2, 4, 3).transpose(1, 2), randn(2, 4, 5)])
    case("bmm/int64", "bmm", [ints(2, 2, 3), ints(2, 3, 2)])
    case("mv/basic", "mv", [randn(3, 4), randn(4)])
    case("mv/transposed", "mv", [randn(4, 3).t(), randn(4)])
    case("mv/int64", "mv", [ints(3, 4), ints(4)])
    case("dot/basic", "dot", [randn(5), randn(5)])
    case("dot/strided", "dot", [randn(10)[::2], randn(5)])
    case("dot/int64", "dot", [ints(5), ints(5)])


def views():
    x = lambda: randn(2, 3, 4)
    case("t/2d", "t", [randn(3, 4)])
    case("t/1d", "t", [randn(4)])
    case("t/0d", "t", [randn()])
    case("transpose/0_2", "transpose", [x()], dim0=0, dim1=2)
    case("transpose/neg", "transpose", [x()], dim0=-1, dim1=-2)
    case("transpose/same", "transpose", [x()], dim0=1, dim1=1)
    case("permute/2_0_1", "permute", [x()], dims=[2, 0, 1])
    case("permute/neg", "permute", [x()], dims=[-1, 0, 1])
    case("reshape/contiguous", "reshape", [x()], shape=[6, 4])
    case("reshape/infer", "reshape", [x()], shape=[-1, 2])
    case("reshape/non_contiguous", "reshape", [randn(4, 3).t()], shape=[12])
    case("reshape/viewable_transposed", "reshape", [randn(4, 3, 2).transpose(0, 1)], shape=[3, 4, 2])
    case("reshape/zero_dim", "reshape", [randn()], shape=[1, 1])
    case("reshape/to_zero_dim", "reshape", [randn(1, 1)], shape=[])
    case("view/basic", "view", [x()], shape=[4, 6])
    case("view/infer", "view", [x()], shape=[2, -1])
    case("view/through_transpose", "view", [In(randn(4, 3, 2), through=[("transpose", 0, 1)])], shape=[3, 2, 2, 2])
    case("view/int64", "view", [ints(2, 3)], shape=[3, 2])
    case("flatten/3d", "flatten", [x()])
    case("flatten/0d", "flatten", [randn()])
    case("flatten/transposed", "flatten", [randn(4, 3).t()])
    case("flatten_range/1_2", "flatten_range", [x()], start=1, end=2)
    case("flatten_range/same", "flatten_range", [x()], start=1, end=1)
    case("flatten_range/neg", "flatten_range", [x()], start=0, end=-2)
    case("expand/new_dims", "expand", [randn(3, 1)], shape=[2, 3, 4])
    case("expand/minus_one", "expand", [randn(3, 1)], shape=[-1, 5])
    case("expand/zero_dim", "expand", [randn()], shape=[2, 3])
    case("expand/bool", "expand", [bools(1, 3)], shape=[2, 3])
    case("squeeze/all", "squeeze", [randn(1, 3, 1, 2)])
    case("squeeze/none", "squeeze", [randn(2, 3)])
    case("squeeze_dim/one", "squeeze_dim", [randn(3, 1, 2)], dim=1)
    case("squeeze_dim/not_one", "squeeze_dim", [randn(3, 1, 2)], dim=0)
    case("squeeze_dim/neg", "squeeze_dim", [randn(3, 2, 1)], dim=-1)
    case("squeeze_dim/zero_dim", "squeeze_dim", [randn()], dim=0)
    case("unsqueeze/0", "unsqueeze", [randn(3, 4)], dim=0)
    case("unsqueeze/end", "unsqueeze", [randn(3, 4)], dim=2)
    case("unsqueeze/neg", "unsqueeze", [randn(3, 4)], dim=-1)
    case("unsqueeze/zero_dim", "unsqueeze", [randn()], dim=0)
    case("contiguous/already", "contiguous", [randn(3, 4)])
    case("contiguous/transposed", "contiguous", [randn(4, 3).t()])
    case("contiguous/through_transpose", "contiguous", [In(randn(4, 3), through=[("t",)])])
    case("narrow/basic", "narrow", [x()], dim=2, start=1, length=2)
    case("narrow/neg_start", "narrow", [x()], dim=1, start=-2, length=2)
    case("narrow/transposed", "narrow", [randn(4, 3).t()], dim=1, start=1, length=3)
    case("narrow/zero_length", "narrow", [x()], dim=0, start=1, length=0)
    case("select/basic", "select", [x()], dim=1, index=2)
    case("select/neg", "select", [x()], dim=-1, index=-1)
    case("select/1d", "select", [randn(5)], dim=0, index=3)
    case("select/int64", "select", [ints(3, 4)], dim=0, index=1)
    idx = lambda v: In(torch.tensor(v, dtype=torch.int64))
    case("index_select/dim0", "index_select", [randn(5, 3), idx([4, 0, 2])], dim=0)
    case("index_select/repeated", "index_select", [randn(3, 4), idx([1, 1, 3, 0, 1])], dim=1)
    case("index_select/neg_dim", "index_select", [x(), idx([2, 0])], dim=-1)
    case("index_select/transposed", "index_select", [randn(4, 3).t(), idx([3, 0])], dim=1)
    case("index_select/empty_index", "index_select", [randn(3, 4), idx([])], dim=0)
    case("index_select/int64", "index_select", [ints(4, 2), idx([3, 1])], dim=0)
    case("index_select/expanded", "index_select", [randn(1, 4).expand(3, 4), idx([0, 2])], dim=0)
    case("reshape/expanded", "reshape", [randn(3, 1).expand(3, 4)], shape=[12])
    case("view/expanded", "view", [randn(1, 4).expand(3, 4)], shape=[3, 2, 2])
    case("select/expanded", "select", [randn(1, 4).expand(3, 4)], dim=0, index=2)
    case("narrow/expanded", "narrow", [randn(3, 1).expand(3, 4)], dim=1, start=1, length=2)
    case("permute/expanded", "permute", [randn(3, 1).expand(3, 4)], dims=[1, 0])
    case("flatten/1d", "flatten", [randn(4)])
    case("squeeze/expanded", "squeeze", [randn(1, 3).expand(1, 3)])
    case("unsqueeze/through_slice", "unsqueeze", [In(randn(6), through=[("slice", 0, 1, 6, 2)])], dim=1)


def reductions():
    x = lambda: randn(2, 3, 4)
    case("sum/all", "sum", [x()])
    case("sum/zero_dim", "sum", [randn()])
    case("sum/transposed", "sum", [randn(4, 3).t()])
    case("sum/expanded", "sum", [randn(1, 4).expand(3, 4)])
    case("sum/empty", "sum", [randn(0, 3)])
    case("sum/large", "sum", [randn(1000) * 100])
    case("sum/int64", "sum", [ints(3, 4)])
    case("sum/bool", "sum", [bools(3, 4)])
    for dim in (0, 1, -1):
        for keep in (False, True):
            case(f"sum_dim/{dim}_{keep}", "sum_dim", [x()], dim=dim, keepdim=keep)
            case(f"mean_dim/{dim}_{keep}", "mean_dim", [x()], dim=dim, keepdim=keep)
    case("sum_dim/transposed", "sum_dim", [randn(4, 3).t()], dim=1, keepdim=False)
    case("sum_dim/int64", "sum_dim", [ints(3, 4)], dim=1, keepdim=False)
    case("sum_dim/bool", "sum_dim", [bools(3, 4)], dim=0, keepdim=True)
    case("sum_dim/zero_dim", "sum_dim", [randn()], dim=0, keepdim=False)
    case("sum_dims/0_2", "sum_dims", [x()], dims=[0, 2], keepdim=False)
    case("sum_dims/keep", "sum_dims", [x()], dims=[-1, 0], keepdim=True)
    case("sum_dims/empty_list", "sum_dims", [x()], dims=[], keepdim=False)
    case("mean/all", "mean", [x()])
    case("mean/zero_dim", "mean", [randn()])
    case("mean/transposed", "mean", [randn(4, 3).t()])
    case("mean/empty", "mean", [randn(0)])
    case("mean_dims/0_2", "mean_dims", [x()], dims=[0, 2], keepdim=True)
    ties = f32([[1.0, 3.0, 3.0], [-2.0, -2.0, 0.5]])
    for op in ("max", "min"):
        case(f"{op}/all", op, [x()])
        case(f"{op}/ties", op, [ties])
        case(f"{op}/zero_dim", op, [randn()])
        case(f"{op}/int64", op, [ints(3, 4)])
        case(f"{op}/bool", op, [bools(5)])
        case(f"{op}/with_nan", op, [f32([1.0, float("nan"), 3.0])])
        case(f"{op}_dim/0", op + "_dim", [x()], dim=0, keepdim=False)
        case(f"{op}_dim/neg_keep", op + "_dim", [x()], dim=-1, keepdim=True)
        case(f"{op}_dim/ties", op + "_dim", [ties], dim=1, keepdim=False)
        case(f"{op}_dim/transposed", op + "_dim", [randn(4, 3).t()], dim=1, keepdim=False)
        case(f"{op}_dim/zero_dim", op + "_dim", [randn()], dim=0, keepdim=False)
        case(f"{op}_dim/int64", op + "_dim", [ints(3, 4)], dim=0, keepdim=False)
    case("argmax/all", "argmax", [x()])
    case("argmax/ties", "argmax", [ties])
    case("argmax/int64", "argmax", [ints(3, 4)])
    case("argmax_dim/1", "argmax_dim", [x()], dim=1, keepdim=False)
    case("argmax_dim/keep", "argmax_dim", [x()], dim=-1, keepdim=True)
    case("argmax_dim/ties", "argmax_dim", [ties], dim=1, keepdim=False)
    case("norm/vector", "norm", [randn(5)])
    case("norm/3d", "norm", [x()])
    case("norm/transposed", "norm", [randn(4, 3).t()])
    case("norm/zeros", "norm", [torch.zeros(3)])
    case("norm/zero_dim", "norm", [randn()])
    for p in (1.0, 3.0, 0.5, float("inf")):
        case(f"norm_p/{p}", "norm_p", [randn(3, 4)], p=p)
    case("var/all", "var", [x()])
    case("var/transposed", "var", [randn(4, 3).t()])
    case("std/all", "std", [x()])
    case("std/offset", "std", [randn(10) + 1000])
    case("std/constant", "std", [torch.full((4,), 2.5)])
    case("var_dim/expanded", "var_dim", [randn(1, 4).expand(3, 4)], dim=0, unbiased=True, keepdim=False)
    case("norm_p/zeros_3", "norm_p", [torch.zeros(3)], p=3.0)
    case("norm_p/zeros_inf", "norm_p", [torch.zeros(3)], p=float("inf"))
    case("softmax/expanded", "softmax", [randn(1, 4).expand(3, 4)], dim=1)
    case("max_dim/expanded", "max_dim", [randn(1, 4).expand(3, 4)], dim=0, keepdim=False)
    case("sum_dim/expanded", "sum_dim", [randn(3, 1).expand(3, 4)], dim=1, keepdim=True)
    for op in ("var", "std"):
        case(f"{op}_dim/unbiased", op + "_dim", [x()], dim=1, unbiased=True, keepdim=False)
        case(f"{op}_dim/biased_keep", op + "_dim", [x()], dim=-1, unbiased=False, keepdim=True)
    for op in ("softmax", "log_softmax"):
        case(f"{op}/last", op, [x()], dim=-1)
        case(f"{op}/first", op, [x()], dim=0)
        case(f"{op}/middle", op, [x()], dim=1)
        case(f"{op}/transposed", op, [randn(4, 3).t()], dim=1)
        case(f"{op}/zero_dim", op, [randn()], dim=0)
        case(f"{op}/large", op, [f32([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])], dim=1)
        case(f"{op}/neg_inf", op, [f32([[float("-inf"), 0.0, 1.0]])], dim=1)


def comparisons():
    nan = float("nan")
    for op in ("eq", "ne", "gt", "ge", "lt", "le"):
        a = f32([[1.0, 2.0, 3.0, nan], [0.0, -1.0, 2.0, 5.0]])
        case(f"{op}/same", op, [a, f32([[1.0, 1.0, 4.0, nan], [0.0, -2.0, 2.0, 6.0]])])
        case(f"{op}/bcast", op, [randn(3, 1), randn(1, 4)])
        case(f"{op}/float_scalar", op + "_scalar", [f32([1.0, 2.0, 2.5, 3.0])], value=2.5, int=False)
        case(f"{op}/int_scalar", op + "_scalar", [ints(6)], value=1, int=True)
        case(f"{op}/int64_float", op, [torch.tensor([1, 2, 3]), f32([1.0, 2.5, 2.0])])
        case(f"{op}/int64_float_scalar", op + "_scalar", [torch.tensor([1, 2, 3])], value=2.0, int=False)
        case(f"{op}/bool", op, [torch.tensor([True, True, False, False]), torch.tensor([True, False, True, False])])
        case(f"{op}/transposed", op, [randn(4, 3).t(), randn(3, 4)])
    for op in ("all", "any"):
        case(f"{op}/bool", op, [bools(3, 4)])
        case(f"{op}/all_true", op, [torch.ones(3, dtype=torch.bool)])
        case(f"{op}/float", op, [f32([1.0, 0.0, 2.0])])
        case(f"{op}/float_nonzero", op, [f32([1.0, -3.0, nan])])
        case(f"{op}/int64", op, [torch.tensor([0, 0])])
        case(f"{op}/empty", op, [torch.zeros(0, dtype=torch.bool)])
        case(f"{op}/zero_dim", op, [torch.tensor(True)])


def joining():
    case("cat/dim0", "cat", [randn(2, 3), randn(4, 3)], dim=0)
    case("cat/dim1", "cat", [randn(2, 3), randn(2, 1), randn(2, 2)], dim=1)
    case("cat/neg_dim", "cat", [randn(2, 3, 2), randn(2, 3, 1)], dim=-1)
    case("cat/transposed", "cat", [randn(3, 2).t(), randn(2, 3)], dim=0)
    case("cat/with_empty", "cat", [randn(2, 3), torch.zeros(0), randn(1, 3)], dim=0)
    case("cat/mixed_dtype", "cat", [ints(2), randn(3)], dim=0)
    case("cat/int64", "cat", [ints(2, 2), ints(1, 2)], dim=0)
    case("cat/single", "cat", [randn(2, 2)], dim=1)
    case("cat/partly_no_grad", "cat", [randn(2), In(randn(3), grad=False), randn(1)], dim=0)
    case("stack/partly_no_grad", "stack", [In(randn(2), grad=False), randn(2)], dim=1)
    case("stack/dim0", "stack", [randn(2, 3), randn(2, 3)], dim=0)
    case("stack/dim1", "stack", [randn(2, 3), randn(2, 3), randn(2, 3)], dim=1)
    case("stack/neg", "stack", [randn(2, 3), randn(2, 3)], dim=-1)
    case("stack/zero_dim", "stack", [randn(), randn()], dim=0)
    case("stack/transposed", "stack", [randn(3, 2).t(), randn(2, 3)], dim=1)
    case("stack/mixed_dtype", "stack", [ints(3), randn(3)], dim=0)
    case("where/same", "where", [bools(3, 4), randn(3, 4), randn(3, 4)])
    case("where/bcast", "where", [bools(3, 1), randn(1, 4), randn(4)])
    case("where/zero_dim_values", "where", [bools(5), randn(), randn(5)])
    case("where/mixed_dtype", "where", [bools(4), ints(4), randn(4)])
    case("where/int64", "where", [bools(4), ints(4), ints(4)])
    case("where_scalar/float", "where_scalar", [bools(2, 3), randn(2, 3)], value=0.5, int=False)
    case("where_scalar/int64_int", "where_scalar", [bools(4), ints(4)], value=7, int=True)


def in_place():
    for op in ("add_", "sub_", "mul_", "div_"):
        case(f"{op}/same", op, [randn(3, 4), pos(3, 4)])
        case(f"{op}/bcast", op, [randn(3, 4), pos(4)])
        case(f"{op}/self_no_grad", op, [In(randn(3), grad=False), pos(3)])
        case(f"{op}/other_no_grad", op, [randn(3), In(pos(3), grad=False)])
        case(f"{op}/transposed_other", op, [randn(3, 4), pos(4, 3).t()])
    case("add_/int64", "add_", [ints(4), ints(4)])
    case("add_/int64_bool", "add_", [ints(4), bools(4)])
    case("add_/float_int64", "add_", [randn(4), ints(4)])
    case("mul_/bool", "mul_", [bools(4), bools(4)])
    case("add_scalar_/float", "add_scalar_", [randn(2, 3)], value=1.25, int=False)
    case("add_scalar_/int64", "add_scalar_", [ints(3)], value=2, int=True)
    case("mul_scalar_/float", "mul_scalar_", [randn(2, 3)], value=-2.0, int=False)
    case("zero_/float", "zero_", [randn(2, 3)])
    case("zero_/int64", "zero_", [ints(3)])
    case("fill_/float", "fill_", [randn(2, 3)], value=2.5, int=False)
    case("fill_/int64", "fill_", [ints(3)], value=-4, int=True)
    case("copy_/same", "copy_", [randn(2, 3), randn(2, 3)])
    case("copy_/bcast", "copy_", [randn(2, 3), randn(3)])
    case("copy_/from_int64", "copy_", [randn(3), ints(3)])
    case("copy_/into_int64", "copy_", [ints(3), f32([1.7, -2.2, 3.9])])
    case("copy_/transposed", "copy_", [randn(3, 4), randn(4, 3).t()])


# ------------------------------------------------------------------------------------------- errors
ERRORS = []


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - every PyTorch error type is recorded with its message
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


def leaf(*shape):
    return torch.randn(shape, generator=gen()).requires_grad_()


def errors():
    x = lambda *s: torch.randn(s, generator=gen())
    i = torch.tensor([1, 2, 3])
    b = torch.tensor([True, False])
    error("broadcast_add", lambda: x(2, 3) + x(4))
    error("broadcast_mul_3d", lambda: x(2, 3, 4) * x(3, 1, 5))
    error("broadcast_where", lambda: torch.where(torch.ones(2, dtype=torch.bool), x(3), x(2)))
    error("matmul_2d", lambda: x(2, 3).matmul(x(4, 5)))
    error("matmul_1d_2d", lambda: x(3).matmul(x(4, 5)))
    error("matmul_2d_1d", lambda: x(2, 3).matmul(x(4)))
    error("matmul_1d_1d", lambda: x(3).matmul(x(4)))
    error("matmul_0d", lambda: x().matmul(x(3)))
    error("matmul_batched", lambda: x(2, 3, 4).matmul(x(2, 5, 6)))
    error("matmul_batch_bcast", lambda: x(2, 3, 4).matmul(x(3, 4, 5)))
    error("mm_shapes", lambda: x(2, 3).mm(x(4, 5)))
    error("mm_1d", lambda: x(3).mm(x(3, 2)))
    error("mm_1d_second", lambda: x(2, 3).mm(x(3)))
    error("bmm_batches", lambda: x(2, 3, 4).bmm(x(3, 4, 5)))
    error("bmm_inner", lambda: x(2, 3, 4).bmm(x(2, 5, 6)))
    error("bmm_2d", lambda: x(3, 4).bmm(x(2, 4, 5)))
    error("mv_shapes", lambda: x(2, 3).mv(x(4)))
    error("mv_dims", lambda: x(3).mv(x(3)))
    error("dot_sizes", lambda: x(3).dot(x(4)))
    error("dot_dims", lambda: x(2, 2).dot(x(4)))
    error("mm_float_bool", lambda: b.view(1, 2).float().mm(b.view(2, 1)))
    error("mm_float_int64", lambda: x(2, 3).mm(torch.ones(3, 2, dtype=torch.int64)))
    error("mm_int64_float", lambda: torch.ones(2, 3, dtype=torch.int64).mm(x(3, 2)))
    error("mm_bool_bool", lambda: torch.ones(2, 2, dtype=torch.bool).mm(torch.ones(2, 2, dtype=torch.bool)))
    error("bmm_int64_float", lambda: torch.ones(1, 2, 3, dtype=torch.int64).bmm(x(1, 3, 2)))
    error("bmm_bool_bool", lambda: torch.ones(1, 2, 2, dtype=torch.bool).bmm(torch.ones(1, 2, 2, dtype=torch.bool)))
    error("mv_int64_float", lambda: torch.ones(2, 3, dtype=torch.int64).mv(x(3)))
    error("mv_bool_bool", lambda: torch.ones(2, 2, dtype=torch.bool).mv(torch.ones(2, dtype=torch.bool)))
    error("dot_int64_float", lambda: torch.ones(3, dtype=torch.int64).dot(x(3)))
    error("dot_bool_bool", lambda: torch.ones(2, dtype=torch.bool).dot(torch.ones(2, dtype=torch.bool)))
    error("matmul_3d_int64_float", lambda: torch.ones(2, 2, 3, dtype=torch.int64).matmul(x(3, 2)))
    error("view_not_viewable", lambda: x(3, 4).t().view(12))
    error("view_size_invalid", lambda: x(2, 3).view(5))
    error("view_two_inferred", lambda: x(2, 3).view(-1, -1))
    error("view_infer_invalid", lambda: x(2, 3).view(-1, 4))
    error("reshape_invalid", lambda: x(2, 3).reshape(4, 2))
    error("requires_grad_int64", lambda: i.requires_grad_(True))
    error("requires_grad_bool", lambda: b.requires_grad_())
    error("mean_int64", lambda: i.mean())
    error("mean_bool", lambda: b.mean())
    error("sub_bool", lambda: b - b)
    error("sub_bool_float", lambda: b - x(2))
    error("sub_float_bool", lambda: x(2) - b)
    error("sub_bool_scalar", lambda: b - 1)
    error("neg_bool", lambda: -b)
    error("abs_bool", lambda: b.abs())
    error("relu_bool", lambda: b.relu())
    error("pow_int_negative", lambda: i.pow(-1))
    error("pow_bool_bool", lambda: b.pow(b))
    error("norm_int64", lambda: i.norm())
    error("var_int64", lambda: i.var())
    error("std_int64", lambda: i.std())
    error("softmax_int64", lambda: i.softmax(0))
    error("log_softmax_int64", lambda: i.log_softmax(0))
    error("argmax_bool", lambda: b.argmax())
    error("in_place_float_into_int64", lambda: i.clone().add_(1.5))
    error("in_place_float_tensor_into_int64", lambda: i.clone().mul_(x(3)))
    error("in_place_int_into_bool", lambda: b.clone().add_(i[:2]))
    error("in_place_broadcast_shape", lambda: x(3).add_(x(2, 3)))
    error("where_cond_float", lambda: torch.where(x(3), x(3), x(3)))
    error("sum_dim_out_of_range", lambda: x(2, 3).sum(5))
    error("sum_dim_negative_out_of_range", lambda: x(2, 3).sum(-3))
    error("sum_dims_repeated", lambda: x(2, 3).sum((1, 1)))
    error("mean_dim_out_of_range", lambda: x(2, 3).mean(2))
    error("softmax_dim_out_of_range", lambda: x(2, 3).softmax(2))
    error("max_dim_out_of_range", lambda: x(2, 3).max(3))
    error("select_index_out_of_range", lambda: x(2, 3).select(0, 5))
    error("select_negative_index_out_of_range", lambda: x(2, 3).select(1, -4))
    error("select_dim_out_of_range", lambda: x(2, 3).select(2, 0))
    error("select_0d", lambda: x().select(0, 0))
    error("narrow_start_out_of_range", lambda: x(2, 3).narrow(1, 4, 1))
    error("narrow_length_too_long", lambda: x(2, 3).narrow(1, 1, 3))
    error("narrow_negative_length", lambda: x(2, 3).narrow(1, 1, -1))
    error("narrow_dim_out_of_range", lambda: x(2, 3).narrow(2, 0, 1))
    error("narrow_0d", lambda: x().narrow(0, 0, 1))
    error("index_select_out_of_range", lambda: x(3, 2).index_select(0, torch.tensor([0, 3])))
    error("index_select_negative", lambda: x(3, 2).index_select(0, torch.tensor([-1])))
    error("index_select_float_index", lambda: x(3, 2).index_select(0, torch.tensor([0.0])))
    error("index_select_2d_index", lambda: x(3, 2).index_select(0, torch.tensor([[0]])))
    error("index_select_dim_out_of_range", lambda: x(3, 2).index_select(2, torch.tensor([0])))
    error("transpose_dim_out_of_range", lambda: x(2, 3).transpose(0, 2))
    error("transpose_negative_out_of_range", lambda: x(2, 3).transpose(-3, 0))
    error("t_3d", lambda: x(2, 3, 4).t())
    error("permute_wrong_length", lambda: x(2, 3).permute(0))
    error("permute_repeated", lambda: x(2, 3).permute(0, 0))
    error("squeeze_dim_out_of_range", lambda: x(2, 1).squeeze(2))
    error("unsqueeze_dim_out_of_range", lambda: x(2, 3).unsqueeze(3))
    error("unsqueeze_negative_out_of_range", lambda: x(2, 3).unsqueeze(-4))
    error("flatten_start_after_end", lambda: x(2, 3, 4).flatten(2, 1))
    error("expand_smaller", lambda: x(2, 3).expand(3))
    error("expand_mismatch", lambda: x(2, 3).expand(4, 3))
    error("cat_sizes", lambda: torch.cat([x(2, 3), x(2, 4)], 0))
    error("cat_dims", lambda: torch.cat([x(2, 3), x(3)], 0))
    error("cat_zero_dim", lambda: torch.cat([x(), x()], 0))
    error("cat_dim_out_of_range", lambda: torch.cat([x(2, 3), x(2, 3)], 2))
    error("stack_sizes", lambda: torch.stack([x(2, 3), x(3, 2)], 0))
    error("stack_dim_out_of_range", lambda: torch.stack([x(2), x(2)], 3))
    error("in_place_on_expanded", lambda: torch.zeros(1, 3).expand(2, 3).add_(1))
    error("copy_into_expanded", lambda: torch.zeros(1, 3).expand(2, 3).copy_(torch.ones(2, 3)))
    error("max_empty", lambda: torch.zeros(0).max())
    error("argmax_empty", lambda: torch.zeros(0).argmax())
    error("max_dim_empty", lambda: torch.zeros(2, 0).max(1))
    error("stack_empty", lambda: torch.stack([], 0))
    error("cat_empty", lambda: torch.cat([], 0))
    error("softmax_0d_dim_out_of_range", lambda: torch.tensor(1.0).softmax(1))
    error("squeeze_0d_dim_out_of_range", lambda: torch.tensor(1.0).squeeze(1))
    error("sum_0d_dim_out_of_range", lambda: torch.tensor(1.0).sum(1))
    error("view_negative_size", lambda: torch.zeros(6).view(-2, 3))
    error("expand_minus_one_leading", lambda: torch.zeros(3).expand(-1, 3))
    error("expand_size_mismatch", lambda: torch.zeros(3).expand(2))
    error("div_in_place_int64", lambda: torch.tensor([1, 2]).div_(2))
    error("mean_dim_int64", lambda: torch.tensor([[1, 2]]).mean(0))
    error("where_cond_int64", lambda: torch.where(torch.tensor([1, 0]), torch.zeros(2), torch.ones(2)))
    error("select_empty_dim", lambda: torch.zeros(0, 3).select(0, 0))
    error("detach_in_place_view", lambda: (leaf(2, 3) * 1).select(0, 0).detach_())
    error("item_multi_element", lambda: x(3).item())
    error("item_empty", lambda: x(0).item())

    def backward_non_scalar():
        (leaf(3) * 2).backward()
    error("backward_non_scalar", backward_non_scalar)

    def backward_no_grad():
        x(3).sum().backward()
    error("backward_no_grad", backward_no_grad)

    def backward_grad_shape():
        (leaf(3) * 2).backward(torch.ones(2))
    error("backward_gradient_shape", backward_grad_shape)

    def backward_twice():
        y = (leaf(3) * leaf(3)).sum()
        y.backward()
        y.backward()
    error("backward_twice", backward_twice)

    def backward_twice_exp():
        y = leaf(3).exp().sum()
        y.backward()
        y.backward()
    error("backward_twice_exp", backward_twice_exp)

    def grad_twice():
        a = leaf(3)
        y = (a * a).sum()
        torch.autograd.grad([y], [a])
        torch.autograd.grad([y], [a])
    error("autograd_grad_twice", grad_twice)

    def saved_output_modified():
        y = leaf(3).exp()
        y.add_(1)
        y.sum().backward()
    error("inplace_saved_output", saved_output_modified)

    def saved_input_modified():
        a = leaf(3) * 2
        b = a * a
        a.add_(3)
        b.sum().backward()
    error("inplace_saved_input_non_leaf", saved_input_modified)

    def saved_output_modified_twice():
        a = leaf(2, 2)
        y = a.tanh()
        y.mul_(2)
        y.sub_(1)
        y.sum().backward()
    error("inplace_saved_output_twice", saved_output_modified_twice)

    def saved_leaf_modified():
        a, w = leaf(3), leaf(3)
        y = (a * w).sum()
        with torch.no_grad():
            a.add_(1)
        y.backward()
    error("inplace_saved_leaf", saved_leaf_modified)

    def saved_view_modified():
        y = leaf(2, 3).exp()
        y.select(0, 0).mul_(2)
        y.sum().backward()
    error("inplace_saved_output_through_view", saved_view_modified)

    def saved_detached_modified():
        a = leaf(3)
        y = a.sigmoid()
        y.detach().zero_()
        y.sum().backward()
    error("inplace_saved_output_through_detach", saved_detached_modified)

    error("leaf_in_place", lambda: leaf(3).add_(1))
    error("leaf_in_place_view", lambda: leaf(2, 3).select(0, 1).mul_(2))
    error("leaf_zero_", lambda: leaf(3).zero_())
    error("requires_grad_false_non_leaf", lambda: (leaf(3) * 2).requires_grad_(False))
    error("retain_grad_no_grad", lambda: x(3).retain_grad())

    def grad_unused():
        a, c = leaf(3), leaf(3)
        torch.autograd.grad([(a * 2).sum()], [a, c])
    error("autograd_grad_unused", grad_unused)

    def grad_input_no_grad():
        a = leaf(3)
        torch.autograd.grad([(a * 2).sum()], [x(3)])
    error("autograd_grad_input_no_grad", grad_input_no_grad)

    def grad_output_no_grad():
        torch.autograd.grad([x(3).sum()], [leaf(3)])
    error("autograd_grad_output_no_grad", grad_output_no_grad)


# ------------------------------------------------------------------------------------------- double backward
DOUBLE = []


def derivatives(fn, inputs, up, vs, dtype):
    """fn's output, its gradients built with create_graph, and the gradients of <first, v> w.r.t. every input."""
    leaves = [t.detach().to(dtype).requires_grad_(True) for t in inputs]
    out = fn(*leaves)
    first = torch.autograd.grad([out], leaves, [up.to(dtype)], create_graph=True)
    vs = vs or [torch.randn(g.shape, generator=gen()) for g in first]
    second = torch.autograd.grad(list(first), leaves, [v.to(dtype) for v in vs], allow_unused=True)
    return out, first, vs, second


def double_backward(name, fn, inputs):
    up = torch.randn(fn(*inputs).shape, generator=gen())
    out, first, vs, second = derivatives(fn, inputs, up, None, torch.float32)
    out64, first64, _, second64 = derivatives(fn, inputs, up, vs, torch.float64)
    DOUBLE.append({
        "name": name, "inputs": [encode_dense(t) for t in inputs], "output": encode_dense(out, slack(out, out64)),
        "upstream": encode_dense(up), "first": [encode_dense(g, slack(g, g64)) for g, g64 in zip(first, first64)],
        "v": [encode_dense(v) for v in vs],
        "second": [None if g is None else encode_dense(g, slack(g, g64)) for g, g64 in zip(second, second64)],
    })


def double_backwards():
    double_backward("pow_scalar", lambda x: x.pow(3.0), [pos(3, 4)])
    double_backward("pow_tensor", lambda x, e: x.pow(e), [pos(3, 4), randn(3, 4)])
    double_backward("mul", lambda x, y: x * y * x, [randn(3, 4), randn(4)])
    double_backward("tanh", lambda x: x.tanh(), [randn(3, 4)])
    double_backward("softmax", lambda x: x.softmax(1), [randn(3, 4)])
    double_backward("log_softmax", lambda x: x.log_softmax(0), [randn(3, 4)])
    double_backward("matmul", lambda a, b: a.matmul(b).tanh(), [randn(3, 4), randn(4, 2)])
    double_backward("matmul_batched", lambda a, b: a.matmul(b).sigmoid(), [randn(2, 3, 4), randn(4)])
    double_backward("norm", lambda x: x.norm(), [randn(3, 4)])
    double_backward("norm_p3", lambda x: x.norm(3), [randn(5)])
    double_backward("exp_sum", lambda x: (x.exp() * x).sum(1), [randn(3, 4)])
    double_backward("div", lambda x, y: x / y, [randn(3), pos(3)])


def main():
    pointwise_binary()
    powers()
    unary()
    clamps()
    matmuls()
    views()
    reductions()
    comparisons()
    joining()
    in_place()
    errors()
    double_backwards()
    with open(OUT, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": CASES, "errors": ERRORS, "double_backward": DOUBLE}, f,
                  separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(CASES)} cases, {len(ERRORS)} errors, {len(DOUBLE)} double-backward cases")


if __name__ == "__main__":
    main()
