"""Writes examples/Float64Programs.expected: what PyTorch 1.13 prints for the float64 programs that
examples/Float64Programs.java ports line by line (run as a test by ExamplesTest).

Run with the PyTorch interpreter from the repository root:  /usr/bin/python3 tools/goldens/float64_programs.py

1. "Learning PyTorch with Examples", polynomial_autograd.py with dtype = torch.float64: all 2000 steps, losses
   printed with 8 decimals (tcompile's double sums round in another order than ATen's, so the last of repr's 17
   digits could differ), the final coefficients with 12.
2. gradcheck in double (PyTorch's defaults) of a small composite function, and of a custom Function.
3. nn.Linear(dtype=torch.float64) trained with SGD on cross entropy; printed tensors carry dtype=torch.float64.
4. Every first-order optimiser on a float64 Linear regression (losses and the weight sum with 12 decimals).
5. Promotion between float32 and float64, item() at full precision, and the float/double mismatch error.
"""
import math
import os

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join("examples", "Float64Programs.expected")
LINES = []


def print(*values):  # noqa: A001 - recorded
    LINES.append(" ".join(str(v) for v in values))


def polynomial():
    dtype = torch.float64
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    torch.manual_seed(0)
    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)
    learning_rate = 1e-6
    for t in range(2000):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, f"{loss.item():.8f}")
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
    print(f"Result: y = {a.item():.12f} + {b.item():.12f} x + {c.item():.12f} x^2 + {d.item():.12f} x^3")


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2


def gradchecks():
    torch.manual_seed(1)
    inp = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
    w = torch.randn(3, 2, dtype=torch.double, requires_grad=True)
    print(inp)
    print(torch.autograd.gradcheck(lambda i, w: (i @ w).tanh().sum(1).log_softmax(0), (inp, w)))
    print(torch.autograd.gradcheck(Cube.apply, (inp,)))


def linear_sgd():
    torch.manual_seed(2)
    model = torch.nn.Linear(4, 3, dtype=torch.float64)
    x = torch.randn(8, 4, dtype=torch.float64)
    target = torch.tensor([0, 2, 1, 1, 0, 2, 2, 1])
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    print(model.weight)
    for step in range(5):
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, target)
        loss.backward()
        opt.step()
        print(step, f"{loss.item():.12f}")
    print(model(x[:2]))
    print(model.bias.grad)


def optimizers():
    makers = [
        ("SGD momentum nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
        ("Adam", lambda p: torch.optim.Adam(p, lr=0.05)),
        ("Adam amsgrad", lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1, amsgrad=True)),
        ("AdamW", lambda p: torch.optim.AdamW(p, lr=0.05)),
        ("RMSprop centered", lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True)),
        ("Adagrad", lambda p: torch.optim.Adagrad(p, lr=0.1)),
        ("Adadelta", lambda p: torch.optim.Adadelta(p, lr=1.0)),
    ]
    for name, make in makers:
        torch.manual_seed(3)
        model = torch.nn.Linear(5, 2, dtype=torch.float64)
        x = torch.randn(6, 5, dtype=torch.float64)
        y = torch.randn(6, 2, dtype=torch.float64)
        opt = make(model.parameters())
        losses = []
        for _ in range(4):
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            losses.append(f"{loss.item():.12f}")
        print(name, " ".join(losses), f"{model.weight.sum().item():.12f}")


def promotion():
    f = torch.ones(2)
    d = torch.ones(2, dtype=torch.float64)
    print((f + d).dtype, (f * torch.tensor(2.0, dtype=torch.float64)).dtype, (torch.tensor([1, 2]) * d).dtype)
    print(d / 3)
    print(torch.tensor(1 / 3, dtype=torch.float64).item())
    print(torch.tensor([0.1, 0.2], dtype=torch.float64).sum().item())
    try:
        torch.mm(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64))
    except RuntimeError as e:
        print("RuntimeError:", e)


def main():
    polynomial()
    gradchecks()
    linear_sgd()
    optimizers()
    promotion()
    with open(OUT, "w") as f:
        f.write("\n".join(LINES) + "\n")
    __builtins__.print(f"wrote {OUT}: {len(LINES)} lines")


if __name__ == "__main__":
    main()
