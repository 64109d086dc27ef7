"""Writes frontend/src/test/resources/goldens/float64.json: PyTorch 1.13's answers for float64 tensors.

Run with the PyTorch interpreter from the repository root:  /usr/bin/python3 tools/goldens/float64.py

Sections:
  cases      every case of tools/goldens/ops.py (pointwise, powers, unary, clamps, products, views, reductions,
             comparisons, joining, in-place) and of ops_ports.py (splitting, alpha/rsub/addcmul/addcdiv, in-place
             unary ops, basic and advanced indexing, index_put) recomputed with its float inputs as float64 leaves (int64 and bool
             inputs unchanged, so mixed cases check PyTorch's promotion): output values and dtypes, grad_fn, and
             gradients for a float64 upstream gradient. Same format as ops.json except float64 values, which are
             16-hex-digit bit patterns. "exact" is ops.py's list (single IEEE operations must match bit for bit).
  extra      float64-only cases (losses, softmax over inner dims, promotion with float32, scalars) in the same format
  printing   str(t) of float64 tensors, with the values (hex) and grad flags to rebuild them
  random     torch.rand / torch.randn with dtype=torch.float64 after manual_seed (hex values)
  ranges     torch.arange / torch.linspace with dtype=torch.float64 (hex values)
  errors     messages for dtype mismatches
  double_backward  ops.py's second-derivative cases (create_graph=True) in float64
"""
import json
import math
import os
import struct
import sys

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"  # the random and range kernels depend on the CPU kernel build
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops  # noqa: E402
import ops_ports  # noqa: E402  (adds its ops to ops.OPS)

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "float64.json")
F64 = torch.float64


def hex64(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def encode_values(t):
    flat = t.detach().contiguous().reshape(-1).tolist()
    if t.dtype == F64:
        return [hex64(v) for v in flat]
    return ops.encode_values(t)


def dtype_name(t):
    return {torch.float64: "float64", torch.float32: "float32", torch.int64: "int64", torch.bool: "bool"}[t.dtype]


def encode_dense(t):
    return {"dtype": dtype_name(t), "shape": list(t.shape), "values": encode_values(t)}


def encode_leaf(leaf, i):
    storage = leaf.storage()
    base = torch.empty(0, dtype=leaf.dtype).set_(storage, 0, (len(storage),), (1,))
    return {"dtype": dtype_name(leaf), "storage": encode_values(base), "shape": list(leaf.shape),
            "strides": list(leaf.stride()), "offset": leaf.storage_offset(), "requires_grad": i.grad,
            "through": [list(r) for r in i.through]}


CASES = []
EXTRA = []


def record(into, name, op, inputs, args, run):
    ins = [ops.as_in(x) for x in inputs]
    leaves, outs = run(op, ins, args)
    entry = {"name": name, "op": op, "args": args, "exact": op in ops.EXACT,
             "inputs": [encode_leaf(l, i) for l, i in zip(leaves, ins)],
             "outputs": [encode_dense(o) for o in outs], "grad_fn": ops.node_name(outs[0].grad_fn)}
    diff = [o for o in outs if o.requires_grad]
    if diff and any(l.requires_grad for l in leaves):
        ups = [torch.randn(o.shape, generator=ops.gen(), dtype=o.dtype) for o in diff]
        entry["upstream"] = [encode_dense(u) for u in ups]
        entry["grads"] = [None if g is None else encode_dense(g) for g in ops.grads_of(outs, leaves, ups)]
    into.append(entry)


def case64(name, op, inputs, **args):
    """ops.py's case with float leaves converted to float64."""
    record(CASES, name, op, inputs, args, lambda o, ins, a: ops.run(o, ins, a, F64))


def run_as_given(op, ins, args):
    leaves = []
    for i in ins:
        leaf = i.t.detach().clone()
        if i.grad:
            leaf.requires_grad_(True)
        leaves.append(leaf)
    xs = []
    for leaf, i in zip(leaves, ins):
        x = leaf
        for r in i.through:
            x = ops.view_of(x, r)
        xs.append(x)
    out = ops.OPS[op](xs, args)
    return leaves, list(out) if isinstance(out, tuple) else [out]


def extra(name, op, inputs, **args):
    """A case whose inputs keep their own dtypes (float64 or float32 given explicitly)."""
    record(EXTRA, name, op, inputs, args, run_as_given)


def d(*shape):
    """Genuine float64 values (53-bit), unlike ops.py's float32 inputs widened to float64 in "cases"."""
    return torch.randn(shape, generator=ops.gen(), dtype=F64)


def extras():
    ops.OPS["mse_loss"] = lambda x, a: F.mse_loss(x[0], x[1], reduction=a["reduction"])
    ops.OPS["nll_loss"] = lambda x, a: F.nll_loss(x[0], x[1], reduction=a["reduction"])
    ops.OPS["cross_entropy"] = lambda x, a: F.cross_entropy(x[0], x[1], reduction=a["reduction"])
    ops.OPS["prod"] = lambda x, a: x[0].prod()
    ops.OPS["amax_dim"] = lambda x, a: x[0].amax(a["dim"])
    ops.OPS["to_float32"] = lambda x, a: x[0].float()
    ops.OPS["to_float64"] = lambda x, a: x[0].double()
    ops.OPS["addmm"] = lambda x, a: torch.addmm(x[0], x[1], x[2])
    ops.OPS["linear"] = lambda x, a: F.linear(x[0], x[1], x[2])
    ops.OPS["gelu"] = lambda x, a: F.gelu(x[0])
    ops.OPS["leaky_relu"] = lambda x, a: F.leaky_relu(x[0], a["slope"])
    ops.OPS["exp_"] = lambda x, a: x[0].clone().exp_()
    ops.OPS["add_alpha"] = lambda x, a: x[0].add(x[1], alpha=a["alpha"])
    ops.OPS["sum_sq"] = lambda x, a: (x[0] * x[0]).sum()
    ops.OPS["layer_norm"] = lambda x, a: F.layer_norm(x[0], a["shape"], x[1], x[2])
    ops.OPS["batch_norm_train"] = lambda x, a: F.batch_norm(x[0], None, None, x[1], x[2], training=True)
    ops.OPS["batch_norm_eval"] = lambda x, a: F.batch_norm(x[0], x[3], x[4], x[1], x[2], training=False)
    ops.OPS["bce"] = lambda x, a: F.binary_cross_entropy(x[0].sigmoid(), x[1])
    ops.OPS["embedding"] = lambda x, a: F.embedding(x[1], x[0], padding_idx=a["pad"])
    ops.OPS["cat_mixed"] = lambda x, a: torch.cat([x[0], x[1]], 0)
    ops.OPS["stack_mixed"] = lambda x, a: torch.stack([x[0], x[1]], 1)
    ops.OPS["cross_entropy_probs"] = lambda x, a: F.cross_entropy(x[0], x[1].softmax(1), label_smoothing=a["smoothing"])
    ops.OPS["bce_logits"] = lambda x, a: F.binary_cross_entropy_with_logits(x[0], x[1])
    for r in ("mean", "sum", "none"):
        extra(f"mse_loss/{r}", "mse_loss", [d(3, 4), d(3, 4)], reduction=r)
        extra(f"nll_loss/{r}", "nll_loss", [d(4, 5).log_softmax(1), torch.tensor([0, 4, 2, 1])], reduction=r)
        extra(f"cross_entropy/{r}", "cross_entropy", [d(4, 5), torch.tensor([3, 0, 4, 1])], reduction=r)
    extra("softmax/inner_dim", "softmax", [d(2, 3, 4)], dim=1)
    extra("log_softmax/inner_dim", "log_softmax", [d(2, 3, 4)], dim=0)
    extra("prod/basic", "prod", [d(5)])
    extra("amax_dim/basic", "amax_dim", [d(3, 4)], dim=1)
    extra("to_float32/from_float64", "to_float32", [d(3)])
    extra("to_float64/from_float32", "to_float64", [ops.randn(3)])
    extra("addmm/basic", "addmm", [d(4), d(3, 5), d(5, 4)])
    extra("linear/basic", "linear", [d(2, 5), d(3, 5), d(3)])
    extra("gelu/basic", "gelu", [d(7)])
    extra("leaky_relu/basic", "leaky_relu", [d(7)], slope=0.1)
    extra("exp_/basic", "exp_", [d(2, 3)])
    extra("add_alpha/basic", "add_alpha", [d(2, 3), d(2, 3)], alpha=0.3)
    extra("sum_sq/large", "sum_sq", [d(1000)])
    extra("sum/large", "sum", [d(3000)])
    extra("layer_norm/affine", "layer_norm", [d(3, 4, 5), d(4, 5), d(4, 5)], shape=[4, 5])
    extra("batch_norm/train", "batch_norm_train", [d(4, 3, 5), d(3), d(3)])
    extra("batch_norm/eval", "batch_norm_eval", [d(4, 3, 2), d(3), d(3), ops.In(d(3), grad=False),
                                                 ops.In(ops.pos(3).double(), grad=False)])
    ops.EXACT.update({"addcmul_value", "addcdiv_value"})  # one rounding per step, as ATen's double kernel (fma for addcmul)
    ops.OPS["addcmul_value"] = lambda x, a: x[0].addcmul(x[1], x[2], value=a["value"])
    ops.OPS["addcdiv_value"] = lambda x, a: x[0].addcdiv(x[1], x[2], value=a["value"])
    extra("addcmul/doubles", "addcmul_value", [d(40), d(40), d(40)], value=0.37)
    extra("addcmul/doubles_bcast", "addcmul_value", [d(3, 4), d(4), d(3, 1)], value=-1.3)
    extra("addcdiv/doubles", "addcdiv_value", [d(40), d(40), ops.pos(40).double() + d(40).abs()], value=0.37)
    # genuine doubles through the float functions, reductions and products
    dpos = lambda *shape: d(*shape).abs() + 0.5  # noqa: E731 - inside the domains of log, sqrt, rsqrt
    for op in ("exp", "sin", "cos", "tanh", "sigmoid", "neg", "abs", "relu", "square"):
        extra(f"{op}/doubles", op, [d(3, 7)])
    for op in ("log", "sqrt", "rsqrt", "reciprocal"):
        extra(f"{op}/doubles", op, [dpos(3, 7)])
    extra("pow_scalar/doubles", "pow_scalar", [dpos(3, 7)], value=2.5, int=False)
    extra("pow/doubles", "pow", [dpos(3, 7), d(3, 7)])
    extra("div/doubles", "div", [d(3, 7), dpos(3, 7)])
    for op in ("sum", "mean", "var", "std", "norm", "max", "min", "argmax"):
        extra(f"{op}/doubles", op, [d(5, 9)])
    extra("norm_p/doubles", "norm_p", [d(5, 9)], p=3)
    extra("sum_dim/doubles", "sum_dim", [d(5, 9)], dim=1, keepdim=False)
    extra("var_dim/doubles", "var_dim", [d(5, 9)], dim=0, unbiased=True, keepdim=True)
    extra("softmax/doubles", "softmax", [d(5, 9)], dim=1)
    extra("log_softmax/doubles", "log_softmax", [d(5, 9)], dim=0)
    extra("matmul/doubles", "matmul", [d(2, 5, 7), d(7, 3)])
    extra("mm/doubles_transposed", "mm", [d(7, 5).t(), d(7, 3)])
    extra("bmm/doubles", "bmm", [d(2, 5, 7), d(2, 7, 3)])
    extra("dot/doubles", "dot", [d(33), d(33)])
    extra("embedding/padding", "embedding", [d(5, 3), torch.tensor([[0, 2, 4], [2, 2, 1]])], pad=2)
    extra("cat/float32_float64", "cat_mixed", [ops.randn(2, 3), d(1, 3)])
    extra("stack/float64_float32", "stack_mixed", [d(2, 3), ops.randn(2, 3)])
    extra("cross_entropy/probabilities", "cross_entropy_probs", [d(4, 5), d(4, 5)], smoothing=0.1)
    extra("bce/basic", "bce", [d(3, 4), ops.In(ops.pos(3, 4).double() / 3, grad=False)])
    extra("bce_logits/basic", "bce_logits", [d(3, 4), ops.In(ops.pos(3, 4).double() / 3, grad=False)])
    extra("mean_dim/large", "mean_dim", [d(7, 300)], dim=1, keepdim=False)
    # promotion: a float64 tensor beats float32; a float64 0-d tensor does not promote a float32 tensor
    extra("add/float32_float64", "add", [ops.randn(3), d(3)])
    extra("add/float32_float64_zero_dim", "add", [ops.randn(3), d()])
    extra("mul/float64_zero_dim_int64", "mul", [ops.ints(4), d()])
    extra("add/float64_int64", "add", [d(4), ops.ints(4)])
    extra("add/float64_bool", "add", [d(4), ops.bools(4)])
    extra("where/float32_float64", "where", [ops.bools(4), ops.randn(4), d(4)])
    extra("mul_scalar/float64_third", "mul_scalar", [d(4)], value=1 / 3, int=False)
    extra("div_scalar/float64_tenth", "div_scalar", [d(4)], value=0.1, int=False)


DOUBLE = []


def double_backward64(name, fn, inputs):
    """ops.py's double_backward in float64: output, create_graph gradients, and second derivatives."""
    xs = [t.double() for t in inputs]
    up = torch.randn(fn(*xs).shape, generator=ops.gen(), dtype=F64)
    out, first, vs, second = ops.derivatives(fn, xs, up, None, F64)
    vs = [v.to(F64) for v in vs]
    DOUBLE.append({"name": name, "inputs": [encode_dense(t) for t in xs], "output": encode_dense(out),
                   "upstream": encode_dense(up), "first": [encode_dense(g) for g in first],
                   "v": [encode_dense(v) for v in vs],
                   "second": [None if g is None else encode_dense(g) for g in second]})


PRINTING = []


def printed(name, t, precision=4, linewidth=80, sci_mode=None):
    torch.set_printoptions(precision=precision, linewidth=linewidth, sci_mode=sci_mode)
    try:
        text = str(t)
    finally:
        torch.set_printoptions(profile="default")
        torch.set_printoptions(sci_mode=None)
    PRINTING.append({"name": name, "tensor": encode_dense(t.detach()), "requires_grad": t.requires_grad,
                     "grad_fn": ops.node_name(t.grad_fn), "precision": precision, "linewidth": linewidth,
                     "sciMode": sci_mode, "expected": text})


def printing():
    printed("zero_dim_one", torch.tensor(1.0, dtype=F64))
    printed("zero_dim_third", torch.tensor(1 / 3, dtype=F64))
    printed("halves", torch.tensor([1.5, 2.25], dtype=F64))
    printed("sci_small", torch.tensor([1e-5, 2.0], dtype=F64))
    printed("sci_large", torch.tensor([1e10, 2.0], dtype=F64))
    printed("ints", torch.tensor([1.0, -2.0, 30.0], dtype=F64))
    printed("empty", torch.tensor([], dtype=F64))
    printed("empty_2d", torch.zeros(0, 3, dtype=F64))
    printed("matrix", torch.randn(3, 4, generator=ops.gen(), dtype=F64))
    printed("nan_inf", torch.tensor([float("nan"), float("inf"), -1.25], dtype=F64))
    printed("tiny_diff", torch.tensor([1.0, 1.0 + 1e-12], dtype=F64))
    printed("large_1e16", torch.tensor([1e16, 1.0], dtype=F64))
    x = torch.ones(2, 3, dtype=F64, requires_grad=True)
    printed("requires_grad", x)
    printed("grad_fn", x * 2)
    printed("long_row", torch.arange(0, 30, dtype=F64) / 7)
    printed("summarized", torch.arange(0, 2000, dtype=F64) / 3)
    printed("precision_12", torch.tensor([1 / 3, 2 / 3, 1e-3], dtype=F64), precision=12)
    printed("precision_10_matrix", torch.randn(2, 3, generator=ops.gen(), dtype=F64), precision=10)
    printed("precision_16_pi", torch.tensor([math.pi, math.e], dtype=F64), precision=16)
    printed("sci_forced", torch.tensor([0.5, 1.5], dtype=F64), sci_mode=True)
    printed("sci_off", torch.tensor([1e-7, 1e9], dtype=F64), sci_mode=False)
    printed("narrow_lines", torch.randn(2, 8, generator=ops.gen(), dtype=F64) * 1000, precision=6, linewidth=50)


RANDOM = []


def random():
    for seed, shape in ((0, [5]), (1, [16]), (2, [17]), (3, [4, 9]), (42, [100]), (7, [3])):
        torch.manual_seed(seed)
        r = torch.rand(shape, dtype=F64)
        n = torch.randn(shape, dtype=F64)
        n2 = torch.randn(shape, dtype=F64)  # the scalar path's cached sample carries over between calls
        RANDOM.append({"seed": seed, "shape": shape, "rand": encode_dense(r), "randn": encode_dense(n),
                       "randn2": encode_dense(n2)})


RANGES = []


def ranges():
    for start, end, step in ((0, 10, 1), (0.1, 2.3, 0.1), (-1, 1, 0.3), (0, 1, 1 / 3), (5, -5, -0.7), (0, 40, 0.5),
                             (0, 3.3, 0.1), (-2.2, 3.1, 0.13)):
        RANGES.append({"kind": "arange", "args": [start, end, step],
                       "result": encode_dense(torch.arange(start, end, step, dtype=F64))})
    for start, end, steps in ((0, 1, 5), (-3.3, 7.1, 17), (0, 1, 100), (1e-3, 1e3, 33), (2, 2, 1), (0, 1, 0),
                               (-2.2, 3.1, 41), (0.1, 0.9, 23), (0.3, -1.7, 57)):
        RANGES.append({"kind": "linspace", "args": [start, end, steps],
                       "result": encode_dense(torch.linspace(start, end, steps, dtype=F64))})


ERRORS = []


def error(name, fn):
    try:
        fn()
    except RuntimeError as e:
        ERRORS.append({"name": name, "message": str(e).split("\n")[0]})
        return
    raise AssertionError(name + " did not raise")


def errors():
    a, b = torch.ones(2, 2), torch.ones(2, 2, dtype=F64)
    error("mm_float_double", lambda: torch.mm(a, b))
    error("mm_double_float", lambda: torch.mm(b, a))
    error("matmul_float_double", lambda: torch.matmul(a, b))
    error("bmm_float_double", lambda: torch.bmm(a[None], b[None]))
    error("linear_float_double", lambda: F.linear(a, b))
    error("dot_float_double", lambda: torch.dot(a[0], b[0]))
    error("mv_float_double", lambda: torch.mv(a, b[0]))
    error("nll_weight_float", lambda: F.nll_loss(b, torch.tensor([0, 1]), weight=torch.ones(2)))


def main():
    original = ops.case
    ops.case = case64
    try:
        ops.pointwise_binary()
        ops.powers()
        ops.unary()
        ops.clamps()
        ops.matmuls()
        ops.views()
        ops.reductions()
        ops.comparisons()
        ops.joining()
        ops.in_place()
        ported = ops_ports.case
        ops_ports.case = case64
        try:
            ops_ports.splitting()
            ops_ports.arithmetic()
            ops_ports.indexing()
        finally:
            ops_ports.case = ported
    finally:
        ops.case = original
    original_db = ops.double_backward
    ops.double_backward = double_backward64
    try:
        ops.double_backwards()
    finally:
        ops.double_backward = original_db
    extras()
    printing()
    random()
    ranges()
    errors()
    with open(OUT, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": CASES, "extra": EXTRA, "printing": PRINTING,
                   "random": RANDOM, "ranges": RANGES, "errors": ERRORS,
                   "double_backward": DOUBLE}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(CASES)} cases, {len(EXTRA)} extra, {len(PRINTING)} printing, {len(RANDOM)} random, "
          f"{len(RANGES)} ranges, {len(ERRORS)} errors")


if __name__ == "__main__":
    main()
