package dev.tcompile.nn;

import static dev.tcompile.nn.NnGoldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.CompiledFn;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.vision.models.MnistNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The new ops through the tracer and the compiled backward: the same losses, gradients and buffers as eager. */
class CompiledNnTest {
  private static void compareWithEager(Module model, TensorFn2 loss, Tensor x, Tensor y) {
    List<Parameter> ps = model.parameters();
    Tensor eager = loss.apply(model, x, y);
    eager.backward();
    Tensor[] eagerGrads = ps.stream().map(p -> p.grad().clone()).toArray(Tensor[]::new);
    model.zeroGrad();
    CompiledFn f = Torch.compile(in -> loss.apply(model, in[0], in[1]));
    Tensor compiled = f.apply(x, y);
    compiled.backward();
    assertClose(eager, compiled, "loss");
    for (int i = 0; i < ps.size(); i++) assertClose(eagerGrads[i], ps.get(i).grad(), "gradient of parameter " + i);
  }

  interface TensorFn2 { Tensor apply(Module m, Tensor x, Tensor y); }

  @Test
  void mnistCnnLossAndGradients() {
    Torch.manualSeed(0);
    MnistNet net = new MnistNet();
    Tensor x = Torch.randn(4, 1, 28, 28), y = Torch.randint(0, 10, 4);
    String ir = Torch.trace(in -> F.nllLoss(net.forward(in[0]), in[1]), x, y).toString();
    for (String op : new String[]{"conv2d(", "max_pool2d(", "addmm(", "log_softmax(", "nll_loss("})
      assertTrue(ir.contains(op), op + " missing from\n" + ir);
    compareWithEager(net, (m, a, b) -> F.nllLoss(m.forward(a), b), x, y);
  }

  @Test
  void convPadPoolNormAndLossesInOneGraph() {
    Torch.manualSeed(1);
    Sequential net = new Sequential(new Conv2d(Conv2d.options(3, 4, 3).padding(1).paddingMode("reflect")), new BatchNorm2d(4), new ReLU(),
        new AvgPool2d(2), new AdaptiveAvgPool2d(new int[]{2, 1}), new Flatten(), new LayerNorm(8), new Linear(8, 5));
    net.eval();
    compareWithEager(net, (m, x, y) -> F.crossEntropy(m.forward(x), y, null, -100, "mean", 0.1), Torch.randn(3, 3, 6, 6),
        Torch.tensor(new long[]{0, 4, 2}));
    Tensor t = Torch.rand(3, 5);
    compareWithEager(new Linear(4, 5), (m, x, y) -> F.binaryCrossEntropyWithLogits(m.forward(x), y).add(F.mseLoss(m.forward(x), y)),
        Torch.randn(3, 4), t);
    compareWithEager(new Embedding(6, 5), (m, x, y) -> F.l1Loss(m.forward(x), y), Torch.tensor(new long[]{1, 5, 1}), t);
  }
}
