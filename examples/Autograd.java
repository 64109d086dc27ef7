// The seed tutorial's section 1, "자동미분(Autograd)", in Java: every program of the section, in order,
// printing what the Python prints (tools/goldens/seed_autograd.py is the Python side; examples/Autograd.expected
// is its output). Run it with:  ./tcompile run examples/Autograd.java
//
// Torch.print is Python's print. A grad_fn prints as <AddBackward0 object> (Java has no addresses to show).
// The tutorial's torch.rand(3) whose values are printed is replaced by the values its output implies.

import dev.tcompile.Tensor;
import dev.tcompile.Torch;

public class Autograd {
  public static void main(String[] args) {
    example1Cells();
    example1Program();
    noGradCells();
    noGradProgram();
    example2();
    vectorJacobian();
    flow1();
    flow2();
  }

  /** Autograd 예시 1), cell by cell. */
  static void example1Cells() {
    // requires_grad를 설정할 때만 기울기 추적
    Tensor x = Torch.tensor(3.0f, 4.0f).requiresGrad_(true);
    Tensor y = Torch.tensor(1.0f, 2.0f).requiresGrad_(true);
    Tensor z = x.add(y);

    Torch.print(z);
    Torch.print(z.gradFn());

    Tensor out = z.mean();
    Torch.print(out);
    Torch.print(out.gradFn());

    out.backward();
    Torch.print(x.grad());
    Torch.print(y.grad());
    Torch.print(z.grad());
  }

  /** The same example as one program. */
  static void example1Program() {
    Tensor x = Torch.tensor(3.0f, 4.0f).requiresGrad_(true);
    Tensor y = Torch.tensor(1.0f, 2.0f).requiresGrad_(true);
    Tensor z = x.add(y);

    Torch.print(z); // [4.0, 6.0]
    Torch.print(z.gradFn()); // 더하기(add)

    Tensor out = z.mean();
    Torch.print(out); // 5.0
    Torch.print(out.gradFn()); // 평균(mean)

    out.backward(); // scalar에 대하여 가능
    Torch.print(x.grad());
    Torch.print(y.grad());
    Torch.print(z.grad()); // leaf variable에 대해서만 gradient 추적이 가능하다. 따라서 None.
  }

  /** Tracking gradients, and not tracking them inside no_grad, cell by cell. */
  static void noGradCells() {
    Tensor temp = Torch.tensor(3.0f, 4.0f).requiresGrad_(true);
    Torch.print(temp.requiresGrad());
    Torch.print(temp.pow(2).requiresGrad());

    try (var noGrad = Torch.noGrad()) {
      temp = Torch.tensor(3.0f, 4.0f).requiresGrad_(true);
      Torch.print(temp.requiresGrad());
      Torch.print(temp.pow(2).requiresGrad());
    }
  }

  /** The same as one program. */
  static void noGradProgram() {
    Tensor temp = Torch.tensor(3.0f, 4.0f).requiresGrad_(true);
    Torch.print(temp.requiresGrad());
    Torch.print(temp.pow(2).requiresGrad());

    // 기울기 추적을 하지 않기 때문에 계산 속도가 더 빠르다.
    try (var noGrad = Torch.noGrad()) {
      temp = Torch.tensor(3.0f, 4.0f).requiresGrad_(true);
      Torch.print(temp.requiresGrad());
      Torch.print(temp.pow(2).requiresGrad());
    }
  }

  /** Autograd 예시 2): y = x + 5, z = y * y * 2, out = z.mean(), requires_grad_, and out.backward(). */
  static void example2() {
    Tensor x = Torch.ones(3, 3).requiresGrad_(true);
    Torch.print(x);

    Tensor y = x.add(5);
    Torch.print(y);
    Torch.print(y.gradFn()); // +5 연산에 대해서 backward할 수 있는 오브젝트가 있다: AddBackward0

    Tensor z = y.mul(y).mul(2);
    Tensor out = z.mean();

    Torch.print(z, out);

    // requires_grad_(...)는 기존 텐서의 requires_grad값을 바꿔치기(in-place)하여 변경
    Torch.manualSeed(0);
    Tensor a = Torch.randn(3, 3);
    a = a.mul(3).div(a.sub(1));
    Torch.print(a.requiresGrad());

    a.requiresGrad_(true);
    Torch.print(a.requiresGrad());

    Tensor b = a.mul(a).sum();
    Torch.print(b.gradFn()); // b가 a*a의 sum연산이니 SumBackward가 리턴됨

    out.backward();
    Torch.print(x.grad());
  }

  /** y = x * 2 doubled until its norm reaches 1000, then backward with a vector; no_grad and detach. */
  static void vectorJacobian() {
    // torch.rand(3, requires_grad=True) in the tutorial; these are the values its printed output implies
    Tensor x = Torch.tensor(589.7665f / 2048, 299.5266f / 2048, 1531.2843f / 2048).requiresGrad_(true);

    Tensor y = x.mul(2);
    while (y.data().norm().item() < 1000) { // x값에서 2를 곱한 y값에 2를 계속 곱해서 norm이 1000미만일때까지 곱함
      y = y.mul(2);
    }

    Torch.print(y);

    Tensor v = Torch.tensor(0.1f, 1.0f, 0.0001f);
    y.backward(v);

    Torch.print(x.grad());

    Torch.print(x.requiresGrad()); // True
    Torch.print(x.pow(2).requiresGrad()); // True

    try (var noGrad = Torch.noGrad()) {
      Torch.print(x.pow(2).requiresGrad()); // False
    }

    Torch.print(x.requiresGrad());
    y = x.detach();
    Torch.print(y.requiresGrad());
    Torch.print(x.eq(y).all());
  }

  /** Autograd 흐름 다시 보기(1): a -> b -> c -> out, and what each holds after out.backward(). */
  static void flow1() {
    Tensor a = Torch.ones(2, 2);
    Torch.print(a);

    a = Torch.ones(2, 2).requiresGrad_(true);
    Torch.print(a);

    Torch.print("a:data:", a.data());
    Torch.print("a.grad:", a.grad());
    Torch.print("a.grad_fn", a.gradFn());

    Tensor b = a.add(2);
    Torch.print(b);

    Tensor c = b.pow(2);
    Torch.print(c);

    Tensor out = c.sum();
    Torch.print(out);

    Torch.print(out);
    out.backward();

    Torch.print("a:data:", a.data());
    Torch.print("a.grad:", a.grad()); // 바뀐걸 볼 수 있음
    Torch.print("a.grad_fn", a.gradFn());

    Torch.print("b:data:", b.data());
    Torch.print("b.grad:", b.grad());
    Torch.print("b.grad_fn", b.gradFn());

    Torch.print("c:data:", c.data());
    Torch.print("c.grad:", c.grad());
    Torch.print("c.grad_fn", c.gradFn());
    Torch.print("c:data:", c.data());
    Torch.print("c.grad:", c.grad());
    Torch.print("c.grad_fn", c.gradFn());

    Torch.print("out:data:", out.data());
    Torch.print("out.grad:", out.grad());
    Torch.print("out.grad_fn", out.gradFn());
  }

  /** Autograd 흐름 다시 보기(2): backward with a gradient through y = x**2, z = y**2 + x. */
  static void flow2() {
    Tensor x = Torch.ones(3).requiresGrad_(true);
    Tensor y = x.pow(2);
    Tensor z = y.pow(2).add(x);
    Tensor out = z.sum();
    Torch.print(out);

    Tensor grad = Torch.tensor(0.1f, 1f, 100f);
    z.backward(grad);

    Torch.print("x:data:", x.data());
    Torch.print("x.grad:", x.grad());
    Torch.print("x.grad_fn", x.gradFn());
    Torch.print("y:data:", y.data());
    Torch.print("y.grad:", y.grad());
    Torch.print("y.grad_fn", y.gradFn());
    Torch.print("z:data:", z.data());
    Torch.print("z.grad:", z.grad());
    Torch.print("z.grad_fn", z.gradFn());
  }
}
