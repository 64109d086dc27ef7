"""Writes frontend/src/test/resources/goldens/ops_ports.json: PyTorch 1.13's answers for the ops that ported
programs needed beyond ops.py (splitting, in-place unary forms, addcmul/addcdiv, alpha, indexing, linspace,
Python's float repr). Same case format as ops.json (this script reuses ops.py's machinery).

Run from the repository root:  /usr/bin/python3 tools/goldens/ops_ports.py
"""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops  # noqa: E402
from ops import OPS, EXACT, In, case, error, randn, pos, ints, bools, f32  # noqa: E402

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "ops_ports.json")

UNARY_INPLACE = ["neg_", "abs_", "exp_", "log_", "log1p_", "expm1_", "sqrt_", "rsqrt_", "sin_", "cos_", "tanh_",
                 "sigmoid_", "erf_", "reciprocal_", "sign_", "floor_", "ceil_", "round_", "square_", "relu_"]
POSITIVE = {"log_", "log1p_", "sqrt_", "rsqrt_", "reciprocal_"}

OPS.update({
    "chunk": lambda x, a: x[0].chunk(a["chunks"], a["dim"]),
    "split": lambda x, a: x[0].split(a["size"], a["dim"]),
    "split_sizes": lambda x, a: x[0].split(a["sizes"], a["dim"]),
    "unbind": lambda x, a: x[0].unbind(a["dim"]),
    "tensor_split": lambda x, a: x[0].tensor_split(a["sections"], a["dim"]),
    "tensor_split_indices": lambda x, a: x[0].tensor_split(a["indices"], a["dim"]),
    "view_as": lambda x, a: x[0].view_as(x[1]),
    "add_alpha": lambda x, a: x[0].add(x[1], alpha=a["alpha"]),
    "sub_alpha": lambda x, a: x[0].sub(x[1], alpha=a["alpha"]),
    "add_alpha_": lambda x, a: x[0].clone().add_(x[1], alpha=a["alpha"]),
    "sub_alpha_": lambda x, a: x[0].clone().sub_(x[1], alpha=a["alpha"]),
    "rsub": lambda x, a: torch.rsub(x[0], x[1]),
    "rsub_scalar": lambda x, a: torch.rsub(x[0], a["value"]),
    "addcmul": lambda x, a: x[0].addcmul(x[1], x[2], value=a["value"]),
    "addcdiv": lambda x, a: x[0].addcdiv(x[1], x[2], value=a["value"]),
    "addcmul_": lambda x, a: x[0].clone().addcmul_(x[1], x[2], value=a["value"]),
    "addcdiv_": lambda x, a: x[0].clone().addcdiv_(x[1], x[2], value=a["value"]),
})


def subscript(spec, x):
    """The Python subscript a spec describes: entries int / slice / none / ellipsis / tensor (input number)."""
    out = []
    for e in spec:
        k = e["k"]
        if k == "int":
            out.append(e["v"])
        elif k == "slice":
            out.append(slice(e.get("start"), e.get("stop"), e.get("step")))
        elif k == "none":
            out.append(None)
        elif k == "ellipsis":
            out.append(Ellipsis)
        elif k == "tensor":
            out.append(x[e["input"]])
        elif k == "list":
            out.append(list(e["v"]))
    return out[0] if len(out) == 1 else tuple(out)


def put(x, a):
    c = x[0].clone()
    c[subscript(a["spec"], x)] = x[1] if a.get("value") is None else a["value"]
    return c


OPS.update({
    "index": lambda x, a: x[0][subscript(a["spec"], x)],
    "index_put": put,
    "index_put_accumulate": lambda x, a: x[0].clone().index_put_(tuple(x[2:]), x[1], accumulate=True),
})
EXACT.update({"index", "index_put", "index_put_accumulate"})

for _n in UNARY_INPLACE:
    OPS[_n] = (lambda n: lambda x, a: getattr(x[0].clone(), n)())(_n)
EXACT.update({"chunk", "split", "split_sizes", "unbind", "tensor_split", "tensor_split_indices", "view_as", "rsub",
              "rsub_scalar", "addcmul", "addcdiv", "addcmul_", "addcdiv_", "neg_", "abs_", "sqrt_", "reciprocal_",
              "sign_", "floor_", "ceil_", "round_", "square_", "relu_"})


def splitting():
    case("chunk/even", "chunk", [randn(6, 3)], chunks=3, dim=0)
    case("chunk/uneven", "chunk", [randn(5, 3)], chunks=2, dim=0)
    case("chunk/fewer_pieces", "chunk", [randn(3, 4)], chunks=5, dim=1)
    case("chunk/neg_dim_transposed", "chunk", [randn(4, 3).t()], chunks=2, dim=-1)
    case("split/int", "split", [randn(5, 3)], size=2, dim=0)
    case("split/int_dim1", "split", [randn(2, 7)], size=3, dim=1)
    case("split/larger_than_dim", "split", [randn(2, 3)], size=5, dim=1)
    case("split_sizes/two", "split_sizes", [randn(5, 3)], sizes=[1, 4], dim=0)
    case("split_sizes/with_zero", "split_sizes", [randn(2, 5)], sizes=[2, 0, 3], dim=1)
    case("unbind/dim0", "unbind", [randn(3, 4)], dim=0)
    case("unbind/dim1", "unbind", [randn(2, 3, 2)], dim=1)
    case("unbind/neg", "unbind", [randn(4, 3).t()], dim=-1)
    case("tensor_split/sections", "tensor_split", [randn(7, 2)], sections=3, dim=0)
    case("tensor_split/more_sections", "tensor_split", [randn(2, 3)], sections=4, dim=1)
    case("tensor_split_indices/two", "tensor_split_indices", [randn(2, 7)], indices=[1, 5], dim=1)
    case("tensor_split_indices/past_end", "tensor_split_indices", [randn(6)], indices=[2, 9], dim=0)
    case("view_as/flat", "view_as", [randn(3, 4), In(randn(12), grad=False)])
    case("view_as/2d", "view_as", [randn(6), In(randn(2, 3), grad=False)])


def arithmetic():
    case("add_alpha/float", "add_alpha", [randn(3, 4), randn(3, 4)], alpha=2.5)
    case("add_alpha/bcast", "add_alpha", [randn(3, 4), randn(4)], alpha=-0.3)
    case("sub_alpha/float", "sub_alpha", [randn(3, 4), randn(1, 4)], alpha=0.5)
    case("add_alpha/int64", "add_alpha", [ints(4), ints(4)], alpha=3)
    case("add_alpha_/float", "add_alpha_", [randn(3, 4), randn(3, 4)], alpha=-1.5)
    case("sub_alpha_/bcast", "sub_alpha_", [randn(3, 4), randn(4)], alpha=0.1)
    case("rsub/tensor", "rsub", [randn(3, 4), randn(4)])
    case("rsub_scalar/float", "rsub_scalar", [randn(3, 4)], value=1.0)
    case("addcmul/same", "addcmul", [randn(3, 4), randn(3, 4), randn(3, 4)], value=0.5)
    case("addcmul/bcast", "addcmul", [randn(3, 4), randn(4), randn(3, 1)], value=-2.0)
    case("addcdiv/same", "addcdiv", [randn(3, 4), randn(3, 4), pos(3, 4)], value=0.5)
    case("addcdiv/bcast", "addcdiv", [randn(3, 4), randn(1, 4), pos(3, 1)], value=1.0)
    case("addcmul_/same", "addcmul_", [randn(3, 4), randn(3, 4), randn(3, 4)], value=0.1)
    case("addcdiv_/bcast", "addcdiv_", [randn(3, 4), randn(4), pos(3, 4)], value=-0.01)
    for n in UNARY_INPLACE:
        make = pos if n in POSITIVE else randn
        case(f"{n}/3x4", n, [make(3, 4)])
        case(f"{n}/transposed", n, [make(4, 3).t()])


def I(v):
    return {"k": "int", "v": v}


def S(start=None, stop=None, step=None):
    return {"k": "slice", "start": start, "stop": stop, "step": step}


NONE, ELL = {"k": "none"}, {"k": "ellipsis"}


def T(i):
    return {"k": "tensor", "input": i}


def L(*v):
    return {"k": "list", "v": list(v)}


def noGrad(t):
    return In(t, grad=False)


def indexing():
    case("index/int", "index", [randn(4, 3)], spec=[I(1)])
    case("index/negative_int", "index", [randn(4, 3)], spec=[I(-1)])
    case("index/colon_int", "index", [randn(4, 3, 2)], spec=[S(), I(0)])
    case("index/slice_alone", "index", [randn(5, 3)], spec=[S(1, 4)])
    case("index/full_slice_alone", "index", [randn(3, 2)], spec=[S()])
    case("index/slice_step", "index", [randn(3, 8)], spec=[S(), S(None, None, 3)])
    case("index/slice_clamped", "index", [randn(4, 3)], spec=[S(-10, 100), S(1, None)])
    case("index/none", "index", [randn(4, 3)], spec=[NONE])
    case("index/none_middle", "index", [randn(4, 3)], spec=[S(), NONE, I(2)])
    case("index/ellipsis_int", "index", [randn(2, 3, 4)], spec=[ELL, I(1)])
    case("index/ellipsis_none", "index", [randn(2, 3)], spec=[ELL, NONE])
    case("index/list", "index", [randn(4, 3)], spec=[L(0, 2, 2)])
    case("index/tensor", "index", [randn(5, 3), torch.tensor([4, 0, -1])], spec=[T(1)])
    case("index/tensor_2d", "index", [randn(5, 3), torch.tensor([[0, 1], [1, 4]])], spec=[T(1)])
    case("index/range_target", "index", [randn(4, 6), torch.arange(4), torch.tensor([5, 0, 2, 2])], spec=[T(1), T(2)])
    case("index/colon_tensor", "index", [randn(4, 3, 5), torch.tensor([2, 0])], spec=[S(), T(1)])
    case("index/adjacent_pair", "index", [randn(2, 4, 3, 5), torch.tensor([1, 3]), torch.tensor([0, 2])], spec=[S(), T(1), T(2)])
    case("index/separated_pair", "index", [randn(4, 3, 5), torch.tensor([1, 3]), torch.tensor([0, 2])], spec=[T(1), S(), T(2)])
    case("index/broadcast_pair", "index", [randn(4, 5), torch.tensor([[0], [3]]), torch.tensor([1, 2, 4])], spec=[T(1), T(2)])
    case("index/int_and_list", "index", [randn(4, 3, 5)], spec=[I(1), L(2, 0)])
    case("index/mask_full", "index", [randn(3, 4), torch.tensor([[True, False, True, True], [False] * 4, [True, True, False, False]])], spec=[T(1)])
    case("index/mask_rows", "index", [randn(4, 3), torch.tensor([True, False, True, True])], spec=[T(1)])
    case("index/mask_after_colon", "index", [randn(2, 4), torch.tensor([False, True, True, False])], spec=[S(), T(1)])
    case("index/transposed_input", "index", [randn(3, 4).t(), torch.tensor([3, 1])], spec=[T(1)])
    case("index/repeated_rows", "index", [randn(3, 2), torch.tensor([1, 1, 1, 0])], spec=[T(1)])
    case("index/zero_d_tensor", "index", [randn(3, 2), torch.tensor(2)], spec=[T(1)])
    case("index/int64_input", "index", [ints(4, 3), torch.tensor([0, 3])], spec=[T(1)])
    case("index_put/list", "index_put", [randn(4, 3), randn(3), torch.tensor([1, 2])], spec=[T(2)])
    case("index_put/pair", "index_put", [randn(4, 3), randn(2), torch.tensor([1, 2]), torch.tensor([0, 2])], spec=[T(2), T(3)])
    case("index_put/scalar", "index_put", [randn(4, 3), noGrad(randn(1)), torch.tensor([0, 3])], spec=[T(2)], value=5.0)
    case("index_put/basic_row", "index_put", [randn(4, 3), randn(3)], spec=[I(0)])
    case("index_put/int_then_list", "index_put", [randn(4, 3), randn(2), torch.tensor([2, 0])], spec=[I(1), T(2)])
    case("index_put/mask", "index_put", [randn(3, 4), randn(1), torch.tensor([True, False, True])], spec=[T(2)])
    case("index_put/colon_tensor", "index_put", [randn(3, 4), randn(3, 2), torch.tensor([3, 1])], spec=[S(), T(2)])
    case("index_put/values_no_grad", "index_put", [randn(4, 3), noGrad(randn(1, 3)), torch.tensor([[0], [2]])], spec=[T(2)])
    case("index_put_accumulate/repeated", "index_put_accumulate", [randn(4, 3), randn(3, 3), torch.tensor([1, 1, 3])])
    case("index_put_accumulate/pair", "index_put_accumulate", [randn(4, 3), randn(3), torch.tensor([0, 0, 2]), torch.tensor([1, 1, 2])])


def index_errors():
    x = lambda *s: torch.randn(s)
    error("index_out_of_range", lambda: x(4, 3)[5])
    error("index_too_many", lambda: x(4, 3)[0, 0, 0])
    error("index_tensor_out_of_range", lambda: x(4, 3)[torch.tensor([0, 7])])
    error("index_broadcast", lambda: x(4, 3)[torch.tensor([0, 1]), torch.tensor([0, 1, 2])])
    error("index_mask_shape", lambda: x(4, 3)[torch.ones(3, dtype=torch.bool)])
    error("index_float_tensor", lambda: x(4, 3)[torch.tensor([0.5])])
    error("index_negative_step", lambda: x(4, 3)[::-1])
    error("index_put_dtype", lambda: x(4, 3).index_put_((torch.tensor([0]),), torch.ones(3, dtype=torch.long)))
    error("index_put_shape", lambda: x(4, 3).index_put_((torch.tensor([0]),), torch.ones(2)))


def errors():
    x = lambda *s: torch.randn(s)
    error("chunk_zero", lambda: x(5, 3).chunk(0))
    error("split_sizes_sum", lambda: x(5, 3).split([1, 2]))
    error("split_zero", lambda: x(5, 3).split(0))
    error("unbind_dim", lambda: x(5, 3).unbind(2))
    error("tensor_split_zero", lambda: x(5, 3).tensor_split(0))
    error("view_as_size", lambda: x(5, 3).view_as(x(4)))
    error("addcdiv_int", lambda: torch.ones(3, dtype=torch.long).addcdiv(torch.ones(3, dtype=torch.long), torch.ones(3, dtype=torch.long)))
    error("add_alpha_int_float", lambda: torch.ones(3, dtype=torch.long).add(torch.ones(3, dtype=torch.long), alpha=0.5))
    error("exp_int64", lambda: torch.ones(3, dtype=torch.long).exp_())
    error("allclose_dtype", lambda: torch.allclose(x(3), torch.ones(3, dtype=torch.long)))


def bits(v):
    return struct.unpack("<i", struct.pack("<f", v))[0]


def linspaces():
    out = []
    for start, end, steps in [(0, 1, 7), (0, 1, 100), (-3.5, 2.25, 33), (1, 0, 50), (0, 10, 5), (-1, 1, 1000),
                              (0.1, 0.7, 17), (0, 1, 16), (0, 1, 15), (0, 1, 31), (2, 2, 9), (5, 6, 1), (0, 1, 0),
                              (0, 255, 256), (-10, 10, 21)]:
        v = torch.linspace(start, end, steps)
        out.append({"start": start, "end": end, "steps": steps, "values": [bits(f) for f in v.tolist()]})
    return out


def reprs():
    vals = [209.95835876464844, 0.1, 1.0, 100.0, 1e16, 1e15, 123456789012345678.0, 1e-4, 1e-5, 0.00012345, 1.5e300,
            5e-324, -2.5, -0.0, 0.0, 3.0e22, 1.0 / 3, 2.0 / 3, 12345.678, float("inf"), float("-inf"), float("nan"),
            float(torch.tensor(0.1)), float(torch.tensor(2.3).exp()), 9999999999999998.0, 1e-7 * 3]
    return [{"bits": struct.unpack("<q", struct.pack("<d", v))[0], "repr": repr(v)} for v in vals]


def bool_results():
    a = torch.tensor([1.0, 2.0, float("inf"), 0.0])
    return [
        {"name": "allclose_close", "value": torch.allclose(a, a + 1e-6)},
        {"name": "allclose_far", "value": torch.allclose(a, a + 1e-3)},
        {"name": "allclose_nan", "value": torch.allclose(torch.tensor([float("nan")]), torch.tensor([float("nan")]))},
        {"name": "allclose_nan_equal", "value": torch.allclose(torch.tensor([float("nan")]), torch.tensor([float("nan")]), equal_nan=True)},
        {"name": "allclose_bcast", "value": torch.allclose(torch.ones(2, 3), torch.ones(3))},
        {"name": "allclose_rtol", "value": torch.allclose(torch.tensor([100.0]), torch.tensor([101.0]), rtol=0.01)},
        {"name": "equal_same", "value": torch.equal(a, a.clone())},
        {"name": "equal_shape", "value": torch.equal(torch.ones(2), torch.ones(3))},
        {"name": "equal_value", "value": torch.equal(torch.ones(2), torch.tensor([1.0, 2.0]))},
    ]


def main():
    splitting()
    arithmetic()
    indexing()
    errors()
    index_errors()
    out = {"torch_version": torch.__version__, "cases": ops.CASES, "errors": ops.ERRORS, "linspace": linspaces(),
           "repr": reprs(), "bool_results": bool_results()}
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(ops.CASES)} cases, {len(ops.ERRORS)} errors")


if __name__ == "__main__":
    main()
