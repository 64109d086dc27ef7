package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import org.junit.jupiter.api.Test;

/** A one-element int list means the value for both dims, as in PyTorch; other lengths give PyTorch's messages. */
class OneElementListsTest {
  private final Tensor x = Torch.arange(36.0).view(1, 1, 6, 6), w = Torch.ones(1, 1, 3, 3);

  @Test void conv2dBroadcastsASingleValue() {
    Tensor one = F.conv2d(x, w, null, new int[]{2}, new int[]{1}, new int[]{1}, 1);
    Tensor two = F.conv2d(x, w, null, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, 1);
    assertArrayEquals(new int[]{1, 1, 3, 3}, one.shapeArray());
    assertArrayEquals(two.toFloatArray(), one.toFloatArray());
    Tensor compiled = Torch.compile(xs -> F.conv2d(xs[0], w, null, new int[]{2}, new int[]{1}, new int[]{1}, 1)).apply(x);
    assertArrayEquals(two.toFloatArray(), compiled.toFloatArray());
    assertArrayEquals(F.conv2d(x, w, null, new int[]{1, 1}, "same", new int[]{2, 2}, 1).toFloatArray(),
        F.conv2d(x, w, null, new int[]{1}, "same", new int[]{2}, 1).toFloatArray());
  }

  @Test void conv2dRefusesOtherLengths() {
    assertEquals("expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 1, 1]",
        assertThrows(TorchException.class, () -> F.conv2d(x, w, null, new int[]{1, 1, 1}, new int[]{0}, new int[]{1}, 1)).getMessage());
    assertEquals("expected padding to be a single integer value or a list of 2 values to match the convolution dimensions, but got padding=[]",
        assertThrows(TorchException.class, () -> F.conv2d(x, w, null, new int[]{1}, new int[]{}, new int[]{1}, 1)).getMessage());
  }

  @Test void poolingBroadcastsASingleValue() {
    assertArrayEquals(F.maxPool2d(x, new int[]{2, 2}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, false).toFloatArray(),
        F.maxPool2d(x, new int[]{2}, new int[]{2}, new int[]{1}, new int[]{1}, false).toFloatArray());
    assertArrayEquals(new int[]{1, 1, 3, 3}, F.maxPool2d(x, new int[]{2}, new int[]{}, new int[]{0}, new int[]{1}, false).shapeArray());
    Tensor avg = F.avgPool2d(x, new int[]{2}, new int[]{1}, new int[]{1}, false, true);
    assertArrayEquals(new int[]{1, 1, 7, 7}, avg.shapeArray());
    assertArrayEquals(F.avgPool2d(x, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, false, true).toFloatArray(), avg.toFloatArray());
  }

  @Test void poolingRefusesOtherLengths() {
    assertEquals("max_pool2d: kernel_size must either be a single int, or a tuple of two ints",
        assertThrows(TorchException.class, () -> F.maxPool2d(x, new int[]{2, 2, 2}, null, new int[]{0}, new int[]{1}, false)).getMessage());
    assertEquals("avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints",
        assertThrows(TorchException.class, () -> F.avgPool2d(x, new int[]{2}, new int[]{1, 1, 1}, new int[]{0}, false, true)).getMessage());
    assertEquals("max_pool2d: padding must be either be a single int, or a tuple of two ints",
        assertThrows(TorchException.class, () -> F.maxPool2d(x, new int[]{2}, new int[]{2}, new int[]{1, 1, 1}, new int[]{1}, false)).getMessage());
    assertEquals("max_pool2d: dilation must be either a single int, or a tuple of two ints",
        assertThrows(TorchException.class, () -> F.maxPool2d(x, new int[]{2}, new int[]{2}, new int[]{0}, new int[]{1, 1, 1}, false)).getMessage());
    assertEquals("stride should not be zero",
        assertThrows(TorchException.class, () -> F.avgPool2d(x, new int[]{2}, new int[]{0}, new int[]{0}, false, true)).getMessage());
  }
}
