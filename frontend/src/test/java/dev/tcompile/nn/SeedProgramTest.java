package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import dev.tcompile.Size;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed tutorial's nn section, line by line: shapes, printed modules and autograd node names. */
class SeedProgramTest {
  @Test
  void theFourConvolutionsOfTheSeedGiveTheirSizes() {
    Torch.manualSeed(0);
    Tensor inp = Torch.randn(20, 16, 50, 100);
    Module[] ms = {
      new Conv2d(16, 33, 3, 2),
      new Conv2d(Conv2d.options(16, 33, 3).stride(2)),
      new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}),
      new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}, new int[]{3, 1}),
    };
    List<JsonElement> want = NnGoldens.json().getAsJsonArray("seed_conv_sizes").asList();
    for (int i = 0; i < ms.length; i++) {
      int[] dims = want.get(i).getAsJsonArray().asList().stream().mapToInt(JsonElement::getAsInt).toArray();
      assertEquals(Size.of(dims), ms[i].forward(inp).size(), "m" + (i + 1));
    }
    assertEquals("torch.Size([20, 33, 26, 100])", ms[3].forward(inp).size().toString());
  }

  @Test
  void functionalConvolutionWithFilters() {
    Tensor filters = Torch.randn(8, 4, 3, 3), inputs = Torch.randn(1, 4, 5, 5);
    assertEquals("torch.Size([1, 8, 5, 5])", F.conv2d(inputs, filters, null, 1, 1, 1, 1).shape().toString());
  }

  @Test
  void layersOfTheMnistWalkthrough() {
    Conv2d layer = new Conv2d(1, 20, 5, 1);
    assertEquals("Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))", layer.to(dev.tcompile.Device.CPU).toString());
    assertEquals("torch.Size([20, 1, 5, 5])", layer.weight().shape().toString());
    Tensor image = Torch.rand(28, 28);
    Tensor out = layer.forward(image.unsqueeze(0).unsqueeze(0)).data();
    assertEquals("torch.Size([1, 20, 24, 24])", out.shape().toString());
    assertEquals("torch.Size([1, 20, 12, 12])", F.maxPool2d(out, 2, 2).shape().toString());
    Tensor lin = new Linear(784, 10).forward(image.view(1, 28 * 28));
    assertEquals("torch.Size([1, 10])", lin.shape().toString());
    assertEquals("AddmmBackward0", lin.gradFn().name());
    try (var g = Torch.noGrad()) {
      Tensor softmax = F.softmax(new Linear(784, 10).forward(image.view(1, 28 * 28)), 1);
      assertEquals(1.0, softmax.sum().item(), 1e-6);
      assertEquals(null, softmax.gradFn());
    }
    Tensor relu = F.relu(new Conv2d(3, 20, 5, 1).forward(Torch.randn(4, 3, 28, 28)));
    assertEquals("torch.Size([4, 20, 24, 24])", relu.shape().toString());
  }
}
