"""The seed tutorial's section 1, "자동미분(Autograd)", as one Python program; writes examples/Autograd.expected.

Run from the repository root:  /usr/bin/python3 tools/goldens/seed_autograd.py

Every code block of the section runs in the order the tutorial shows it (blocks it shows twice run twice), and
prints what the tutorial prints. examples/Autograd.java is the Java transcription; its test compares its output
with the file this writes. Two things are fixed so that both sides print the same:
  * grad_fn objects print without their memory address (<AddBackward0 object>), since Java has none;
  * the tutorial's torch.rand(3) whose values are printed is replaced by fixed values: the tutorial's own printed
    y divided by 2048 (= 2 * 2**10, what its loop multiplies x by), so the program prints the tutorial's numbers.
    torch.randn(3, 3), whose values never reach the output, stays random (seeded).
"""
import builtins
import os
import re

import torch

OUT = os.path.join("examples", "Autograd.expected")
LINES = []


def print(*values):  # noqa: A001 - the tutorial's print, recorded with addresses stripped
    text = " ".join(str(v) for v in values)
    LINES.append(re.sub(r" object at 0x[0-9a-f]+>", " object>", text))


def example1_cells():
    # requires_grad를 설정할 때만 기울기 추적
    x = torch.tensor([3.0, 4.0], requires_grad=True)
    y = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x + y

    print(z)
    print(z.grad_fn)

    out = z.mean()
    print(out)
    print(out.grad_fn)

    out.backward()
    print(x.grad)
    print(y.grad)
    print(z.grad)


def example1_program():
    x = torch.tensor([3.0, 4.0], requires_grad=True)
    y = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x + y

    print(z)  # [4.0, 6.0]
    print(z.grad_fn)  # 더하기(add)

    out = z.mean()
    print(out)  # 5.0
    print(out.grad_fn)  # 평균(mean)

    out.backward()  # scalar에 대하여 가능
    print(x.grad)
    print(y.grad)
    print(z.grad)  # leaf variable에 대해서만 gradient 추적이 가능하다. 따라서 None.


def no_grad_cells():
    temp = torch.tensor([3.0, 4.0], requires_grad=True)
    print(temp.requires_grad)
    print((temp ** 2).requires_grad)

    with torch.no_grad():
        temp = torch.tensor([3.0, 4.0], requires_grad=True)
        print(temp.requires_grad)
        print((temp ** 2).requires_grad)


def no_grad_program():
    temp = torch.tensor([3.0, 4.0], requires_grad=True)
    print(temp.requires_grad)
    print((temp ** 2).requires_grad)

    # 기울기 추적을 하지 않기 때문에 계산 속도가 더 빠르다.
    with torch.no_grad():
        temp = torch.tensor([3.0, 4.0], requires_grad=True)
        print(temp.requires_grad)
        print((temp ** 2).requires_grad)


def example2():
    x = torch.ones(3, 3, requires_grad=True)
    print(x)

    y = x + 5
    print(y)
    print(y.grad_fn)

    z = y * y * 2
    out = z.mean()

    print(z, out)

    # requires_grad_(...)는 기존 텐서의 requires_grad값을 바꿔치기(in-place)하여 변경
    torch.manual_seed(0)
    a = torch.randn(3, 3)
    a = ((a * 3) / (a - 1))
    print(a.requires_grad)

    a.requires_grad_(True)
    print(a.requires_grad)

    b = (a * a).sum()
    print(b.grad_fn)

    out.backward()
    print(x.grad)


def vector_jacobian():
    # x = torch.rand(3, requires_grad=True), with the values the tutorial's output implies
    x = (torch.tensor([589.7665, 299.5266, 1531.2843]) / 2048).requires_grad_(True)

    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2

    print(y)

    v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
    y.backward(v)

    print(x.grad)

    print(x.requires_grad)
    print((x ** 2).requires_grad)

    with torch.no_grad():
        print((x ** 2).requires_grad)

    print(x.requires_grad)
    y = x.detach()
    print(y.requires_grad)
    print(x.eq(y).all())


def flow1():
    a = torch.ones(2, 2)
    print(a)

    a = torch.ones(2, 2, requires_grad=True)
    print(a)

    print("a:data:", a.data)
    print("a.grad:", a.grad)
    print("a.grad_fn", a.grad_fn)

    b = a + 2
    print(b)

    c = b ** 2
    print(c)

    out = c.sum()
    print(out)

    print(out)
    out.backward()

    print("a:data:", a.data)
    print("a.grad:", a.grad)
    print("a.grad_fn", a.grad_fn)

    print("b:data:", b.data)
    print("b.grad:", b.grad)
    print("b.grad_fn", b.grad_fn)

    print("c:data:", c.data)
    print("c.grad:", c.grad)
    print("c.grad_fn", c.grad_fn)
    print("c:data:", c.data)
    print("c.grad:", c.grad)
    print("c.grad_fn", c.grad_fn)

    print("out:data:", out.data)
    print("out.grad:", out.grad)
    print("out.grad_fn", out.grad_fn)


def flow2():
    x = torch.ones(3, requires_grad=True)
    y = (x ** 2)
    z = y ** 2 + x
    out = z.sum()
    print(out)

    grad = torch.Tensor([0.1, 1, 100])
    z.backward(grad)

    print("x:data:", x.data)
    print("x.grad:", x.grad)
    print("x.grad_fn", x.grad_fn)
    print("y:data:", y.data)
    print("y.grad:", y.grad)
    print("y.grad_fn", y.grad_fn)
    print("z:data:", z.data)
    print("z.grad:", z.grad)
    print("z.grad_fn", z.grad_fn)


def main():
    import warnings
    warnings.simplefilter("ignore")  # the non-leaf .grad warning goes to stderr, not into the expected stdout
    example1_cells()
    example1_program()
    no_grad_cells()
    no_grad_program()
    example2()
    vector_jacobian()
    flow1()
    flow2()
    with open(OUT, "w") as f:
        f.write("\n".join(LINES) + "\n")
    builtins.print(f"wrote {OUT}: {len(LINES)} lines")


if __name__ == "__main__":
    main()
