"""Writes frontend/src/test/resources/goldens/grad_fn_names.json: for every differentiable function of tcompile's
public API (Tensor methods, torch.*, F.* and the losses), the grad_fn name PyTorch 1.13 gives its result and that
node's next functions, then, for each input that requires grad, the grad_fn of the gradient taken with
create_graph=True (of the result itself when it is a scalar, else of its sum) and that node's next functions.

None stands for an undefined edge or a gradient without history; "unused" for an input the result does not reach.
The Java side (GradFnNamesGoldenTest) builds the same inputs in the same order and the same expressions by case name.

Run from the repository root:  /usr/bin/python3 tools/goldens/grad_fn_names.py
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "grad_fn_names.json")


def inputs():
    """The leaves every case draws from; GradFnNamesGoldenTest.inputs() makes the same, in the same order."""
    torch.manual_seed(0)
    g = {}
    for name, shape in [("x", (3, 4)), ("y", (3, 4)), ("z", (3, 4)), ("v", (4,)), ("u", (4,)), ("m", (4, 5)),
                        ("b3", (2, 3, 4)), ("b4", (2, 4, 5)), ("img", (2, 2, 5, 5)), ("w", (3, 2, 3, 3)),
                        ("cb", (3,)), ("lw", (5, 4)), ("lb", (5,)), ("gamma", (4,)), ("beta", (4,)), ("emb", (6, 4)),
                        ("bng", (2,)), ("bnb", (2,)), ("n4", (2, 3, 2, 2))]:
        g[name] = torch.randn(*shape).requires_grad_()
    g["p"] = torch.rand(3, 4).mul(0.8).add(0.1).detach().requires_grad_()    # in (0.1, 0.9): logs, bce, pow
    g["q"] = torch.rand(3, 4)                                                # bce targets, no grad
    g["cw"] = torch.rand(4)                                                  # class weights, no grad
    g["t"] = torch.tensor([1, 0, 3])
    g["t4"] = torch.tensor([[[1, 0], [1, 1]], [[0, 0], [1, 0]]])             # (2, 2, 2) targets of a 4-d nll_loss
    g["idx"] = torch.tensor([2, 0])
    g["tok"] = torch.tensor([[1, 5, 0], [2, 2, 3]])
    return g


def cases(g):
    x, y, z, v, u, m, p, q = (g[k] for k in "x y z v u m p q".split())
    b3, b4, img, w, cb, lw, lb = (g[k] for k in "b3 b4 img w cb lw lb".split())
    t, t4, idx, cw = g["t"], g["t4"], g["idx"], g["cw"]

    def inplace(f):
        return lambda: f(x.mul(1))

    c = {
        # binary arithmetic
        "add": (lambda: x + y, "x y"),
        "add_alpha": (lambda: torch.add(x, y, alpha=2), "x y"),
        "sub": (lambda: x - y, "x y"),
        "sub_alpha": (lambda: torch.sub(x, y, alpha=2), "x y"),
        "mul": (lambda: x * y, "x y"),
        "div": (lambda: x / y, "x y"),
        "pow_tensor": (lambda: p.pow(y), "p y"),
        "maximum": (lambda: torch.maximum(x, y), "x y"),
        "minimum": (lambda: torch.minimum(x, y), "x y"),
        "rsub_tensor": (lambda: torch.rsub(x, y), "x y"),
        "broadcast_add": (lambda: x + v, "x v"),
        # with a Python number
        "add_float": (lambda: x + 2.5, "x"),
        "add_int": (lambda: x + 2, "x"),
        "sub_float": (lambda: x - 2.5, "x"),
        "mul_float": (lambda: x * 2.5, "x"),
        "mul_int": (lambda: x * 2, "x"),
        "div_float": (lambda: x / 2.5, "x"),
        "div_int": (lambda: x / 2, "x"),
        "pow_float": (lambda: p.pow(2.5), "p"),
        "pow_int": (lambda: x.pow(3), "x"),
        "pow_half": (lambda: p.pow(0.5), "p"),
        "rsub_float": (lambda: 1.5 - x, "x"),
        "rdiv_float": (lambda: 2.0 / p, "p"),
        "remainder": (lambda: x.remainder(1.5), "x"),
        # unary
        "neg": (lambda: -x, "x"),
        "abs": (lambda: x.abs(), "x"),
        "exp": (lambda: x.exp(), "x"),
        "log": (lambda: p.log(), "p"),
        "log1p": (lambda: p.log1p(), "p"),
        "expm1": (lambda: x.expm1(), "x"),
        "sqrt": (lambda: p.sqrt(), "p"),
        "rsqrt": (lambda: p.rsqrt(), "p"),
        "sin": (lambda: x.sin(), "x"),
        "cos": (lambda: x.cos(), "x"),
        "tanh": (lambda: x.tanh(), "x"),
        "sigmoid": (lambda: x.sigmoid(), "x"),
        "relu": (lambda: x.relu(), "x"),
        "gelu": (lambda: F.gelu(x), "x"),
        "gelu_tanh": (lambda: F.gelu(x, approximate="tanh"), "x"),
        "leaky_relu": (lambda: F.leaky_relu(x, 0.2), "x"),
        "erf": (lambda: x.erf(), "x"),
        "sign": (lambda: x.sign(), "x"),
        "floor": (lambda: x.floor(), "x"),
        "ceil": (lambda: x.ceil(), "x"),
        "round": (lambda: x.round(), "x"),
        "reciprocal": (lambda: p.reciprocal(), "p"),
        "square": (lambda: x.square(), "x"),
        "clamp": (lambda: x.clamp(-0.5, 0.5), "x"),
        # tcompile's clampMin/clampMax are clamp(min=...)/clamp(max=...), as the ops goldens have them
        "clamp_min": (lambda: x.clamp(min=-0.5), "x"),
        "clamp_max": (lambda: x.clamp(max=0.5), "x"),
        "masked_fill": (lambda: x.masked_fill(y > 0, 0.0), "x"),
        "where": (lambda: torch.where(y > 0, x, z), "x z"),
        "where_scalar": (lambda: torch.where(y > 0, x, 0.0), "x"),
        "addcmul": (lambda: x.addcmul(y, z, value=0.5), "x y z"),
        "addcdiv": (lambda: x.addcdiv(y, p, value=0.5), "x y p"),
        # reductions
        "sum": (lambda: x.sum(), "x"),
        "sum_dim": (lambda: x.sum(1), "x"),
        "sum_dims_keepdim": (lambda: b3.sum((0, 2), keepdim=True), "b3"),
        "mean": (lambda: x.mean(), "x"),
        "mean_dim": (lambda: x.mean(0), "x"),
        "prod": (lambda: p.prod(), "p"),
        "max": (lambda: x.max(), "x"),
        "min": (lambda: x.min(), "x"),
        "amax": (lambda: x.amax(1), "x"),
        "amin": (lambda: x.amin(1), "x"),
        "max_dim": (lambda: x.max(1).values, "x"),
        "min_dim": (lambda: x.min(0).values, "x"),
        "norm": (lambda: x.norm(), "x"),
        "norm_p1": (lambda: x.norm(1), "x"),
        "norm_dim": (lambda: x.norm(2, dim=1), "x"),
        "var": (lambda: x.var(), "x"),
        "var_dim": (lambda: x.var(1), "x"),
        "std": (lambda: x.std(), "x"),
        "std_dim": (lambda: x.std(1), "x"),
        "softmax": (lambda: F.softmax(x, 1), "x"),
        "log_softmax": (lambda: F.log_softmax(x, 1), "x"),
        # views and copies
        "view": (lambda: x.view(12), "x"),
        "reshape": (lambda: x.reshape(2, 6), "x"),
        "reshape_copy": (lambda: x.t().reshape(12), "x"),
        "flatten": (lambda: b3.flatten(), "b3"),
        "squeeze": (lambda: x.view(3, 1, 4).squeeze(), "x"),
        "squeeze_dim": (lambda: x.view(3, 1, 4).squeeze(1), "x"),
        "unsqueeze": (lambda: x.unsqueeze(1), "x"),
        "permute": (lambda: b3.permute(2, 0, 1), "b3"),
        "transpose": (lambda: b3.transpose(0, 2), "b3"),
        "t": (lambda: x.t(), "x"),
        "expand": (lambda: v.expand(3, 4), "v"),
        "expand_as": (lambda: v.expand_as(x), "v"),
        "contiguous": (lambda: x.t().contiguous(), "x"),
        "clone": (lambda: x.clone(), "x"),
        "to_double": (lambda: x.double(), "x"),
        "narrow": (lambda: x.narrow(1, 1, 2), "x"),
        "slice": (lambda: x[:, 1:3], "x"),
        "slice_step": (lambda: x[::2], "x"),
        "select": (lambda: x[1], "x"),
        "select_col": (lambda: x[:, 0], "x"),
        "index_none": (lambda: x[None, :, 1], "x"),
        "index_select": (lambda: x.index_select(1, idx), "x"),
        "gather": (lambda: x.gather(1, t.view(3, 1)), "x"),
        "view_as": (lambda: v.view(2, 2).view_as(x[:2, :2]), "v"),
        "split": (lambda: x.split(2, 1)[1], "x"),
        "chunk": (lambda: x.chunk(2, 0)[0], "x"),
        "unbind": (lambda: x.unbind(0)[2], "x"),
        "tensor_split": (lambda: x.tensor_split(3, 1)[1], "x"),
        # several pieces of one split/unbind: one node, its backward concatenates/stacks all their gradients
        "split_pieces": (lambda: (lambda p: p[0] * p[1])(x.split(2, 1)), "x"),
        "split_sizes_pieces": (lambda: (lambda p: p[0].sum() + p[2].exp().sum())(x.split([1, 2, 1], 1)), "x"),
        "unbind_pieces": (lambda: (lambda p: p[0] + p[1] * p[2])(x.unbind(0)), "x"),
        "index_tensor": (lambda: x[idx], "x"),
        "index_rows_cols": (lambda: x[torch.arange(3), t], "x"),
        "index_mask": (lambda: x[y > 0], "x"),
        "index_put": (lambda: x.index_put((idx,), u, accumulate=False), "x u"),
        "index_put_accumulate": (lambda: x.index_put((idx,), u, accumulate=True), "x u"),
        "setitem": (lambda: setitem(x, idx, u), "x u"),
        "cat": (lambda: torch.cat([x, y], 0), "x y"),
        "stack": (lambda: torch.stack([x, y], 1), "x y"),
        # matrix products
        "mm": (lambda: x.mm(m), "x m"),
        "bmm": (lambda: b3.bmm(b4), "b3 b4"),
        "mv": (lambda: x.mv(v), "x v"),
        "dot": (lambda: v.dot(u), "v u"),
        "matmul_2d": (lambda: x.matmul(m), "x m"),
        "matmul_3d_2d": (lambda: b3.matmul(m), "b3 m"),
        "matmul_1d_2d": (lambda: v.matmul(m), "v m"),
        "matmul_3d_3d": (lambda: b3.matmul(b4), "b3 b4"),
        # column-major operands: mm's backward computes their gradients transposed (mm_mat1/mat2_backward)
        "mm_colmajor_mat1": (lambda: x.t().mm(y), "x y"),
        "mm_colmajor_mat2": (lambda: x.mm(y.t()), "x y"),
        # in place, on a non-leaf
        "exp_": (inplace(lambda a: a.exp_()), "x"),
        "sigmoid_": (inplace(lambda a: a.sigmoid_()), "x"),
        "tanh_": (inplace(lambda a: a.tanh_()), "x"),
        "relu_": (inplace(lambda a: a.relu_()), "x"),
        "mul_float_": (inplace(lambda a: a.mul_(2.5)), "x"),
        "add_tensor_": (inplace(lambda a: a.add_(y)), "x y"),
        "add_alpha_": (inplace(lambda a: a.add_(y, alpha=0.5)), "x y"),
        "addcmul_": (inplace(lambda a: a.addcmul_(y, z, value=0.5)), "x y z"),
        "clamp_": (inplace(lambda a: a.clamp_(-0.5, 0.5)), "x"),
        "pow_": (inplace(lambda a: a.pow_(2.0)), "x"),
        # nn.functional
        "conv2d": (lambda: F.conv2d(img, w, cb), "img w cb"),
        "conv2d_nobias": (lambda: F.conv2d(img, w, None, 2, 1), "img w"),
        "max_pool2d": (lambda: F.max_pool2d(img, 2), "img"),
        "avg_pool2d": (lambda: F.avg_pool2d(img, 2), "img"),
        "adaptive_avg_pool2d": (lambda: F.adaptive_avg_pool2d(img, 2), "img"),
        "adaptive_avg_pool2d_1": (lambda: F.adaptive_avg_pool2d(img, 1), "img"),
        "linear": (lambda: F.linear(x, lw, lb), "x lw lb"),
        "linear_nobias": (lambda: F.linear(x, lw), "x lw"),
        "linear_3d": (lambda: F.linear(b3, lw, lb), "b3 lw lb"),
        "linear_colmajor_input": (lambda: F.linear(m.t(), lw, lb), "m lw lb"),
        "pad_constant": (lambda: F.pad(img, [1, 2, 0, 1]), "img"),
        "pad_reflect": (lambda: F.pad(img, [1, 1, 1, 1], mode="reflect"), "img"),
        "pad_replicate": (lambda: F.pad(img, [1, 1, 1, 1], mode="replicate"), "img"),
        "pad_circular": (lambda: F.pad(img, [1, 1, 1, 1], mode="circular"), "img"),
        "layer_norm": (lambda: F.layer_norm(x, [4]), "x"),
        "layer_norm_affine": (lambda: F.layer_norm(x, [4], g["gamma"], g["beta"]), "x gamma beta"),
        "batch_norm_train": (lambda: F.batch_norm(img, None, None, g["bng"], g["bnb"], training=True), "img bng bnb"),
        "batch_norm_eval": (lambda: F.batch_norm(img, torch.zeros(2), torch.ones(2), g["bng"], g["bnb"]), "img bng bnb"),
        "embedding": (lambda: F.embedding(g["tok"], g["emb"]), "emb"),
        "cosine_similarity": (lambda: F.cosine_similarity(x, y), "x y"),
        "pairwise_distance": (lambda: F.pairwise_distance(x, y), "x y"),
        # losses
        "mse_loss": (lambda: F.mse_loss(x, y), "x y"),
        "mse_loss_sum": (lambda: F.mse_loss(x, y, reduction="sum"), "x y"),
        "mse_loss_none": (lambda: F.mse_loss(x, y, reduction="none"), "x y"),
        "l1_loss": (lambda: F.l1_loss(x, y), "x y"),
        "l1_loss_sum": (lambda: F.l1_loss(x, y, reduction="sum"), "x y"),
        "l1_loss_none": (lambda: F.l1_loss(x, y, reduction="none"), "x y"),
        "nll_loss": (lambda: F.nll_loss(x, t), "x"),
        "nll_loss_sum": (lambda: F.nll_loss(x, t, reduction="sum"), "x"),
        "nll_loss_none": (lambda: F.nll_loss(x, t, reduction="none"), "x"),
        "nll_loss_weight": (lambda: F.nll_loss(x, t, weight=cw), "x"),
        "nll_loss_4d": (lambda: F.nll_loss(g["n4"], t4), "n4"),
        "nll_loss_4d_of_slice": (lambda: F.nll_loss(img[:, :, :2, :2].log_softmax(1), t4), "img"),
        "nll_of_log_softmax": (lambda: F.nll_loss(F.log_softmax(x, 1), t), "x"),
        "cross_entropy": (lambda: F.cross_entropy(x, t), "x"),
        "cross_entropy_sum": (lambda: F.cross_entropy(x, t, reduction="sum"), "x"),
        "cross_entropy_none": (lambda: F.cross_entropy(x, t, reduction="none"), "x"),
        "cross_entropy_smoothing": (lambda: F.cross_entropy(x, t, label_smoothing=0.1), "x"),
        "cross_entropy_probs": (lambda: F.cross_entropy(x, q), "x"),
        "binary_cross_entropy": (lambda: F.binary_cross_entropy(p, q), "p"),
        "binary_cross_entropy_sum": (lambda: F.binary_cross_entropy(p, q, reduction="sum"), "p"),
        "binary_cross_entropy_none": (lambda: F.binary_cross_entropy(p, q, reduction="none"), "p"),
        "binary_cross_entropy_weight": (lambda: F.binary_cross_entropy(p, q, weight=v.detach().abs()), "p"),
        "binary_cross_entropy_of_sigmoid": (lambda: F.binary_cross_entropy(x.sigmoid(), q), "x"),
        "bce_with_logits": (lambda: F.binary_cross_entropy_with_logits(x, q), "x"),
        "bce_with_logits_sum": (lambda: F.binary_cross_entropy_with_logits(x, q, reduction="sum"), "x"),
        "bce_with_logits_none": (lambda: F.binary_cross_entropy_with_logits(x, q, reduction="none"), "x"),
        "bce_with_logits_pos_weight": (lambda: F.binary_cross_entropy_with_logits(x, q, pos_weight=cw), "x"),
    }
    return c


def setitem(x, idx, u):
    a = x.mul(1)
    a[idx] = u
    return a


def chained(c, recorded):
    """Each case whose gradients had no history, again with exp() on top: the upstream gradient then has one, so
    the case's own backward is recorded (SliceBackwardBackward0, ...) instead of giving a constant."""
    out = {}
    for name, (f, ins) in c.items():
        if None in recorded[name]["second"]:
            out[name + "|exp"] = ((lambda f: lambda: f().exp())(f), ins)
    return out


def names(fn):
    return [n.name() if n is not None else None for n, _ in fn.next_functions]


def record(out, ins):
    first = {"name": out.grad_fn.name(), "next": names(out.grad_fn)}
    root = out if out.dim() == 0 else out.sum()
    grads = torch.autograd.grad(root, ins, create_graph=True, allow_unused=True)
    second = []
    for gr in grads:
        if gr is None:
            second.append("unused")
        elif gr.grad_fn is None:
            second.append(None)
        else:
            second.append({"name": gr.grad_fn.name(), "next": names(gr.grad_fn)})
    return {"first": first, "second": second}


def main():
    g = inputs()
    out = {}
    c = cases(g)
    for batch in (c, None):
        if batch is None:
            batch = chained(c, out)
        for name, (f, ins) in batch.items():
            keys = ins.split()
            entry = record(f(), [g[k] for k in keys])
            entry["inputs"] = keys
            out[name] = entry
    with open(OUT, "w") as fh:
        json.dump({"torch": torch.__version__, "cases": out}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
