package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Autograd;
import dev.tcompile.Idx;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * First and second derivatives of the ops added for ported programs against finite differences: gradcheck of
 * each function, and gradcheck of its gradient (computed with createGraph), PyTorch's gradgradcheck.
 */
class PortedOpsGradcheckTest {
  private static final Map<String, TensorFn> FNS = new LinkedHashMap<>();

  static Tensor i64(long... v) { return Torch.tensor(v); }

  static {
    FNS.put("index pair", t -> t[0].index(Idx.of(2, 0, 2), Idx.of(1, 1, 3)).pow(2L));
    FNS.put("index colon tensor", t -> t[0].index(Idx.all(), Idx.of(3, 0)).mul(t[0].index(Idx.at(1), Idx.of(1, 2))).tanh());
    FNS.put("index_put", t -> t[0].indexPut(new Tensor[]{i64(0, 2)}, t[0].index(Idx.at(1)).pow(2L).unsqueeze(0).expand(2, 4), false).sin());
    FNS.put("index_put accumulate", t -> t[0].indexPut(new Tensor[]{i64(1, 1)}, t[0].narrow(0, 0, 2).exp(), true).pow(2L));
    FNS.put("addcmul addcdiv", t -> t[0].addcmul(t[0], t[0].sin(), 0.5).addcdiv(t[0].cos(), t[0].pow(2L).add(1L), -1.5));
    FNS.put("split unbind", t -> { var p = t[0].split(2, 1); return p.get(0).mul(p.get(1)).add(t[0].unbind(1).get(3).unsqueeze(1)); });
    FNS.put("in-place unary", t -> t[0].mul(1L).sigmoid_().mul(t[0]).tanh_().exp_());
    FNS.put("add alpha rsub", t -> t[0].add(t[0].pow(2L), 2.5).rsub(1.0).mul(t[0]));
  }

  private static Tensor x() {
    Torch.manualSeed(11);
    return Torch.randn(3, 4).mul(0.5).detach().requiresGrad_(true);
  }

  @TestFactory
  Stream<DynamicTest> firstDerivatives() {
    return FNS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () ->
        assertTrue(Autograd.gradcheck(e.getValue(), 1e-2, 2e-2, 2e-2, x()))));
  }

  @TestFactory
  Stream<DynamicTest> secondDerivatives() {
    return FNS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      TensorFn f = e.getValue();
      TensorFn grad = t -> {
        try (var on = Torch.enableGrad()) { // gradcheck perturbs under no-grad; the gradient itself needs a graph
          return Autograd.grad(new Tensor[]{f.apply(t).pow(2L).sum()}, new Tensor[]{t[0]}, true)[0];
        }
      };
      assertTrue(Autograd.gradcheck(grad, 1e-2, 5e-2, 5e-2, x()));
    }));
  }
}
