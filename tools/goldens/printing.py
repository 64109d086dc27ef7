"""Writes frontend/src/test/resources/goldens/printing.json: PyTorch's str(tensor) for many tensors.

Run with the PyTorch 1.13 interpreter from the repository root:  /usr/bin/python3 tools/goldens/printing.py
Each case holds what Java needs to rebuild the tensor (dtype, storage, shape, strides, offset), the print
options and autograd suffixes in force, and the exact string PyTorch printed.
"""
import json
import os
import random
import struct

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "printing.json")
DEFAULTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)

# Strings the seed project prints; each must come out of some case verbatim.
SEED_STRINGS = [
    "tensor([4., 6.], grad_fn=<AddBackward0>)",
    "tensor(5., grad_fn=<MeanBackward0>)",
    "tensor([0.5000, 0.5000])",
    "tensor([[1., 1., 1.],\n        [1., 1., 1.],\n        [1., 1., 1.]], requires_grad=True)",
    "tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])",
    "tensor([  0.5000,   5.0000, 500.0000])",
    "tensor(True)",
    "tensor([ 589.7665,  299.5266, 1531.2843], grad_fn=<MulBackward0>)",
    "tensor([[-0.0548, -0.7653,  0.5531, -0.4567,  0.6094, -0.4746, -0.6054, -0.1089,\n"
    "          0.2765, -0.4428]], grad_fn=<AddmmBackward0>)",
    "tensor([[0.0602, 0.1017, 0.0979, 0.0664, 0.1015, 0.0915, 0.1041, 0.1077, 0.1192,\n"
    "         0.1498]])",
]

NAN, INF = float("nan"), float("inf")
f32 = lambda values: torch.tensor(values, dtype=torch.float32)
i64 = lambda values: torch.tensor(values, dtype=torch.int64)


def g(seed):
    return torch.Generator().manual_seed(seed)


def randn(*shape, seed=0, scale=1.0):
    return torch.randn(*shape, generator=g(seed)) * scale


def grad(t):
    return t.clone().requires_grad_(True)


def seed_cases():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    s = a + f32([3.0, 4.0])
    x = torch.tensor([589.7665, 299.5266, 1531.2843], requires_grad=True)
    row = f32([[-0.0548, -0.7653, 0.5531, -0.4567, 0.6094, -0.4746, -0.6054, -0.1089, 0.2765, -0.4428]])
    w = torch.eye(10, requires_grad=True)
    return [
        ("seed_add", s),
        ("seed_mean", s.mean()),
        ("seed_halves", f32([0.5, 0.5])),
        ("seed_ones_requires_grad", torch.ones(3, 3, requires_grad=True)),
        ("seed_sci", f32([204.8, 2048.0, 0.2048])),
        ("seed_fixed_aligned", f32([0.5, 5.0, 500.0])),
        ("seed_true", torch.tensor(True)),
        ("seed_mul", x * 1.0),
        ("seed_addmm_wrap", torch.addmm(torch.zeros(1, 10), row, w)),
        ("seed_softmax_row", f32([[0.0602, 0.1017, 0.0979, 0.0664, 0.1015, 0.0915, 0.1041, 0.1077, 0.1192, 0.1498]])),
    ]


def float_cases():
    return [
        ("randn_5", randn(5, seed=1)),
        ("randn_3x4_thousands", randn(3, 4, seed=2, scale=1000)),
        ("tiny", randn(4, seed=3, scale=1e-6)),
        ("huge", randn(4, seed=4, scale=1e12)),
        ("mixed_decades", f32([1e-3, 1.0, 1e3, 1e5])),
        ("whole_floats", f32([1.0, 2.0, 3.0, 100.0])),
        ("whole_negative", f32([-1.0, 20.0, -300.0])),
        ("whole_ratio_1000_fixed", f32([1.0, 1000.0])),
        ("whole_ratio_1001_sci", f32([1.0, 1001.0])),
        ("whole_1e8_fixed", f32([1e8, 3.0e7])),
        ("whole_above_1e8_sci", f32([100000008.0, 5e7])),
        ("whole_huge", f32([1e20, -3e30])),
        ("fixed_ratio_1000", f32([0.25, 250.0])),
        ("min_below_1e-4", f32([1e-4, 0.5])),
        ("min_at_2e-4", f32([2e-4, 0.1])),
        ("negative_zero_mix", f32([-0.0, 0.0, 1.5, -2.25])),
        ("negative_zero_whole", f32([-0.0, 1.0])),
        ("all_negative_zero", f32([-0.0, -0.0])),
        ("all_zero", torch.zeros(2, 3)),
        ("nonfinite_only", f32([NAN, INF, -INF])),
        ("nonfinite_fixed", f32([1.5, NAN, -INF, 0.25])),
        ("nonfinite_whole", f32([1.0, NAN, INF, -3.0])),
        ("nonfinite_sci", f32([1e-5, NAN, -INF])),
        ("zero_and_nan", f32([0.0, NAN])),
        ("denormal_and_max", f32([1e-45, 3.4028234663852886e38])),
        ("ties_precision_2", f32([0.125, 0.375, 2.5, -0.625])),
        ("rounds_to_negative_zero", f32([-0.00004, 0.5])),
        ("scalar_pi", torch.tensor(3.14159)),
        ("scalar_negative_zero", torch.tensor(-0.0)),
        ("scalar_nan", torch.tensor(NAN)),
        ("scalar_tiny", torch.tensor(1e-10)),
        ("scalar_whole", torch.tensor(42.0)),
        ("scalar_requires_grad", torch.tensor(2.5, requires_grad=True)),
    ]


def shape_cases():
    return [
        ("randn_2x3x4", randn(2, 3, 4, seed=5)),
        ("randn_2x2x2x3", randn(2, 2, 2, 3, seed=6)),
        ("one_1x1x1", f32([[[7.5]]])),
        ("wrap_30", randn(30, seed=7)),
        ("wrap_2x25", randn(2, 25, seed=8)),
        ("wrap_3d_2x2x20", randn(2, 2, 20, seed=9, scale=100)),
        ("empty_0", torch.zeros(0)),
        ("empty_0x3", torch.zeros(0, 3)),
        ("empty_2x0x3", torch.zeros(2, 0, 3)),
        ("empty_int64", torch.zeros(0, dtype=torch.int64)),
        ("empty_bool_0x3", torch.zeros(0, 3, dtype=torch.bool)),
        ("empty_requires_grad", torch.zeros(2, 0, requires_grad=True)),
        ("summarised_2000", randn(2000, seed=10)),
        ("summarised_50x50", randn(50, 50, seed=11)),
        ("summarised_3x400", randn(3, 400, seed=12)),
        ("summarised_10x10x20", randn(10, 10, 20, seed=13)),
        ("summarised_hidden_outlier", torch.cat([f32([0.5] * 3), f32([1e9] * 995), f32([0.25] * 3)])),
        ("summarised_grad", grad(randn(1001, seed=14)) * 2),
    ]


def int_bool_cases():
    return [
        ("int_small", i64([1, 2, 3])),
        ("int_mixed_width", i64([[-5, 100, 7], [12345, 0, -1]])),
        ("int_extremes", i64([-9223372036854775808, 9223372036854775807, 0])),
        ("int_wrap", torch.arange(100)),
        ("int_summarised", torch.arange(2000) * 3 - 1000),
        ("int_scalar", torch.tensor(7)),
        ("int_3d", torch.arange(24).reshape(2, 3, 4)),
        ("bool_vector", torch.tensor([True, False, True])),
        ("bool_2d", torch.tensor([[True, True], [False, True]])),
        ("bool_scalar_false", torch.tensor(False)),
        ("bool_summarised", torch.arange(1500) % 3 == 0),
    ]


def grad_cases():
    x = torch.linspace(-2, 2, 12).reshape(3, 4).requires_grad_(True)
    return [
        ("grad_sum", (x * x).sum()),
        ("grad_wraps_suffix", grad(randn(7, seed=15, scale=1000)) * 3),
        ("grad_requires_long_row", grad(randn(8, seed=16, scale=100))),
        ("grad_relu", torch.relu(x)),
        ("grad_2d_wide", grad(randn(2, 9, seed=17)) + 1),
    ]


def options_cases():
    return [
        ("precision_2", randn(6, seed=18), dict(precision=2)),
        ("precision_8", randn(2, 3, seed=19), dict(precision=8)),
        ("precision_2_ties", f32([0.125, 0.375, 1.005]), dict(precision=2)),
        ("precision_0_fixed", f32([0.5, 1.5, 2.5, 3.25]), dict(precision=0)),
        ("precision_0_sci", f32([1e-5, 2.5, 123.0]), dict(precision=0)),
        ("sci_true_fixed_values", f32([0.5, 5.0, 500.0]), dict(sci_mode=True)),
        ("sci_true_whole", f32([1.0, 2.0, 30.0]), dict(sci_mode=True)),
        ("sci_true_zeros_ignored", f32([0.0, NAN, -0.0]), dict(sci_mode=True)),
        ("sci_false_tiny", randn(4, seed=20, scale=1e-6), dict(sci_mode=False)),
        ("sci_false_huge_whole", f32([1e12, 1.0]), dict(sci_mode=False)),
        ("sci_false_rounds_to_negative_zero", f32([-0.00004, 0.5]), dict(sci_mode=False)),
        ("precision_2_rounds_to_negative_zero", f32([-0.004, 0.5]), dict(precision=2)),
        ("sci_false_mixed", f32([204.8, 2048.0, 0.2048]), dict(sci_mode=False)),
        ("linewidth_40", randn(3, 8, seed=21), dict(linewidth=40)),
        ("linewidth_40_grad", grad(randn(12, seed=22)) * 2, dict(linewidth=40)),
        ("linewidth_10", randn(4, seed=23), dict(linewidth=10)),
        ("threshold_10", torch.arange(20, dtype=torch.float32), dict(threshold=10)),
        ("threshold_10_3d", randn(4, 5, 8, seed=24), dict(threshold=10)),
        ("threshold_10_edgeitems_1", randn(5, 6, seed=25), dict(threshold=10, edgeitems=1)),
        ("edgeitems_1_summarised", randn(3, 400, seed=26), dict(edgeitems=1)),
        ("edgeitems_0_vector", torch.arange(20), dict(threshold=10, edgeitems=0)),
        ("profile_short", randn(2000, seed=27), dict(profile="short")),
        ("profile_full", torch.arange(1200), dict(profile="full")),
    ]


def view_cases():
    base = randn(3, 4, seed=28)
    big = randn(50, 50, seed=29)
    xg = grad(randn(4, 6, seed=30))
    return [
        ("view_transpose", base.t(), base),
        ("view_step_slice", base[:, ::2], base),
        ("view_offset_row", base[1:], base),
        ("view_expand", base[0].expand(2, 4), base),
        ("view_transposed_summarised", big.t(), big),
        ("view_transpose_grad", xg.t(), xg),
    ]


def storage_of(t, base):
    """(dtype, raw storage values, strides, offset) with base's contiguous storage holding t's elements."""
    if base is None:
        base = t.detach().contiguous()
        strides, offset = list(base.stride()), 0
    else:
        assert base.is_contiguous() and base.storage_offset() == 0
        assert t.storage().data_ptr() == base.storage().data_ptr()
        strides, offset = list(t.stride()), t.storage_offset()
    flat = base.detach().reshape(-1).tolist()
    if t.dtype == torch.float32:
        return "float32", [struct.unpack("<I", struct.pack("<f", v))[0] for v in flat], strides, offset
    if t.dtype == torch.int64:
        return "int64", [str(v) for v in flat], strides, offset  # strings: JSON numbers lose int64 precision
    assert t.dtype == torch.bool
    return "bool", flat, strides, offset


def autograd_suffixes(t):
    """The suffixes a Java Tensor passes in, named as _str_intern names them."""
    if t.grad_fn is not None:
        return ["grad_fn=<{}>".format(type(t.grad_fn).__name__)]
    return ["requires_grad=True"] if t.requires_grad else []


def printed(t, options):
    torch.set_printoptions(**DEFAULTS)
    torch.set_printoptions(**options)
    try:
        return str(t), dict(
            precision=torch._tensor_str.PRINT_OPTS.precision,
            threshold=torch._tensor_str.PRINT_OPTS.threshold,
            edgeitems=torch._tensor_str.PRINT_OPTS.edgeitems,
            linewidth=torch._tensor_str.PRINT_OPTS.linewidth,
            sciMode=torch._tensor_str.PRINT_OPTS.sci_mode,
        )
    finally:
        torch.set_printoptions(**DEFAULTS)


def case(name, t, options=None, base=None):
    text, opts = printed(t, options or {})
    if opts["threshold"] == INF:
        opts["threshold"] = "inf"  # JSON has no infinity
    dtype, storage, strides, offset = storage_of(t, base)
    return dict(name=name, dtype=dtype, storage=storage, shape=list(t.shape), strides=strides, offset=offset,
                options=opts, suffixes=autograd_suffixes(t), expected=text)


def float_formats():
    """Python's fixed and scientific formatting of float32 values across the whole exponent range."""
    rng = random.Random(0)
    bits = [rng.getrandbits(32) for _ in range(300)]
    bits += [struct.unpack("<I", struct.pack("<f", rng.gauss(0, 1) * 10 ** rng.uniform(-6, 9)))[0] for _ in range(300)]
    bits += [0x00000001, 0x7F7FFFFF, 0x80000000, 0x3E000000, 0x3EC00000, 0x40200000]  # extremes, -0.0, ties
    out = []
    for b in bits:
        v = struct.unpack("<f", struct.pack("<I", b))[0]
        if v != v or v in (INF, -INF):
            continue
        out.append(dict(bits=b, fixed={p: "{:.{}f}".format(v, p) for p in (0, 2, 4, 8)},
                        sci={p: "{:.{}e}".format(v, p) for p in (0, 2, 4, 8)}))
    return out


def compact_lines(doc):
    """JSON with one list item a line: small, and a regenerated file diffs case by case."""
    fields = []
    for key, value in doc.items():
        if isinstance(value, list):
            items = ",\n  ".join(json.dumps(v) for v in value)
            fields.append("{}: [\n  {}\n]".format(json.dumps(key), items))
        else:
            fields.append("{}: {}".format(json.dumps(key), json.dumps(value)))
    return "{\n" + ",\n".join(fields) + "\n}"


def main():
    cases = [case(n, t) for n, t in seed_cases() + float_cases() + shape_cases() + int_bool_cases() + grad_cases()]
    cases += [case(n, t, options=o) for n, t, o in options_cases()]
    cases += [case(n, t, base=b) for n, t, b in view_cases()]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    expected = {c["expected"] for c in cases}
    for s in SEED_STRINGS:
        assert s in expected, "seed string not reproduced: " + s
    sizes = [[], [0], [5], [2, 3], [20, 33, 24, 49]]
    doc = dict(
        torch_version=torch.__version__,
        cases=cases,
        sizes=[dict(shape=s, expected=str(torch.Size(s))) for s in sizes],
        float_formats=float_formats(),
    )
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(compact_lines(doc) + "\n")
    print("wrote", len(cases), "cases to", OUT)


if __name__ == "__main__":
    main()
