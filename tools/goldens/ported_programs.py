"""Public PyTorch programs that need indexing, custom autograd functions and hooks, as one Python program; writes
examples/PortedPrograms.expected. examples/PortedPrograms.java is the line-by-line Java port; its test compares
its output with the file this writes.

Run from the repository root:  /usr/bin/python3 tools/goldens/ported_programs.py

1. "Learning PyTorch with Examples", PyTorch: Defining new autograd Functions (polynomial_custom_function.py):
   fits a third-order Legendre polynomial to sin(x) with a custom autograd Function. Unchanged, except that the
   loop runs 300 of its 2000 steps and item() values print with 2 and 4 decimals: tcompile's sum of 2000 floats
   (and sin) can differ from PyTorch's in the last bits, so the full repr (209.95835876464844) is not reproduced.
2. Indexing as ported programs use it: nll loss through out[range(n), target], assignment through an index,
   masks, and the same through autograd.
3. Tensor hooks and retain_grad, as in the autograd mechanics notes.
4. Dropout on the seeded random stream (and a draw after it), LBFGS with the strong-Wolfe line search on the
   Rosenbrock function, and a module's full backward hook.
Grad_fn objects print without their memory address (<AddBackward0 object>), since Java has none.
"""
import builtins
import math
import os
import re

import torch

OUT = os.path.join("examples", "PortedPrograms.expected")
LINES = []


def print(*values):  # noqa: A001 - Python's print, recorded with addresses stripped
    text = " ".join(str(v) for v in values)
    LINES.append(re.sub(r" object at 0x[0-9a-f]+>", " object>", text))


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def polynomial():
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    for t in range(300):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, f'{loss.item():.2f}')
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    # a and c converge to zero: the sign of what is left is float rounding noise, so it prints as 0.0000
    def fixed(v):
        return f'{(0.0 if abs(v) < 5e-5 else v):.4f}'
    print(f'Result: y = {fixed(a.item())} + {fixed(b.item())} * P3({fixed(c.item())} + {fixed(d.item())} x)')
    print(y_pred.grad_fn, y_pred.grad_fn.next_functions[1][0].next_functions)


def indexing():
    out = torch.tensor([[-0.5, -1.2, -2.0], [-1.5, -0.3, -2.2], [-0.9, -1.1, -1.3], [-2.0, -0.1, -3.0]], requires_grad=True)
    target = torch.tensor([0, 1, 2, 1])
    n = out.shape[0]
    loss = -out[range(n), target].mean()
    print(loss)
    loss.backward()
    print(out.grad)
    t = torch.arange(12.).view(3, 4)
    print(t[:, 0], t[1:, ::2], t[None, ..., -1], t[t > 5])
    c = torch.zeros(4, 3)
    c[[1, 2]] = torch.tensor([1.0, 2.0, 3.0])
    c[0, 1:] = 7
    c[c == 0] = -1
    print(c, c._version)
    w = torch.ones(3, 2, requires_grad=True)
    v = w.clone()
    v[[0, 2], 1] = torch.tensor([5.0, 6.0], requires_grad=True)
    print(v.grad_fn, v)
    v.sum().backward()
    print(w.grad)
    first, second = torch.arange(6.).chunk(2)
    print(first, second, torch.arange(5.).split([2, 3]))


def hooks():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    h = y.register_hook(lambda g: g * 10)
    z = (y ** 2).sum()
    z.backward()
    print(y.grad, x.grad)
    h.remove()
    x.register_hook(lambda g: print("x grad", g))
    (x * 3).sum().backward()
    print(x.grad)


def rosenbrock(p):
    return 100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2


def random_optim_module_hooks():
    torch.manual_seed(0)
    drop = torch.nn.Dropout(0.5)
    print(drop(torch.ones(2, 8)))
    print(torch.rand(3))
    p = torch.tensor([-1.5, 2.0], requires_grad=True)
    opt = torch.optim.LBFGS([p], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = rosenbrock(p)
        loss.backward()
        return loss
    for i in range(3):
        loss = opt.step(closure)
        print(i, loss.item(), p.tolist())
    print(opt)
    torch.manual_seed(1)
    lin = torch.nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, grad_input, grad_output: print("backward hook", grad_input[0], grad_output[0]))
    x = torch.ones(1, 3, requires_grad=True)
    y = lin(x)
    print(y.grad_fn)
    y.sum().backward()


def main():
    polynomial()
    indexing()
    hooks()
    random_optim_module_hooks()
    with open(OUT, "w") as f:
        f.write("\n".join(LINES) + "\n")
    builtins.print(f"wrote {OUT}: {len(LINES)} lines")


if __name__ == "__main__":
    main()
