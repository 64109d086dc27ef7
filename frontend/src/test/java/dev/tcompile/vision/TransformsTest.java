package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.data.DataLoader;
import dev.tcompile.data.Dataset;
import org.junit.jupiter.api.Test;

/** Random transforms, reprs and argument errors (the deterministic ones are checked against torchvision). */
class TransformsTest {
  static Tensor grid(int h, int w) {
    float[] v = new float[h * w];
    for (int i = 0; i < v.length; i++) v[i] = i;
    return Torch.fromArray(v, 1, h, w);
  }

  @Test void randomCropIsAWindowOfThePaddedImage() {
    Transform crop = Transforms.randomCrop(28, 4, 123);
    Tensor img = grid(28, 28);
    boolean moved = false;
    for (int k = 0; k < 20; k++) {
      Tensor out = crop.apply(img);
      assertArrayEquals(new int[]{1, 28, 28}, out.shapeArray());
      float[] o = out.toFloatArray();
      // find the offset from any non-zero pixel and check the whole window
      int top = -1, left = -1;
      for (int i = 0; i < o.length && top < 0; i++) if (o[i] > 0) { int v = (int) o[i]; top = v / 28 - i / 28; left = v % 28 - i % 28; }
      for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) {
        int sy = y + top, sx = x + left;
        float want = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? sy * 28 + sx : 0;
        assertEquals(want, o[y * 28 + x]);
      }
      moved |= top != 0 || left != 0;
      assertTrue(Math.abs(top) <= 4 && Math.abs(left) <= 4);
    }
    assertTrue(moved);
    Tensor a = Transforms.randomCrop(20, 0, 9).apply(img), b = Transforms.randomCrop(20, 0, 9).apply(img);
    assertArrayEquals(a.toFloatArray(), b.toFloatArray(), "one seed, one window");
    assertEquals("Required crop size (30, 30) is larger than input image size (28, 28)",
        assertThrows(TorchException.class, () -> Transforms.randomCrop(30).apply(img)).getMessage());
  }

  @Test void randomTransformsFollowTheDefaultGenerator() {
    Transform t = Transforms.compose(Transforms.randomCrop(5, 2), Transforms.randomHorizontalFlip());
    Torch.manualSeed(3);
    float[] a = t.apply(grid(6, 6)).toFloatArray();
    Torch.manualSeed(3);
    float[] b = t.apply(grid(6, 6)).toFloatArray();
    assertArrayEquals(a, b);
  }

  @Test void randomTransformsMatchTorchvisionAfterManualSeed() {
    com.google.gson.JsonObject g = DataGoldens.get().getAsJsonObject("random_transforms");
    Torch.manualSeed(g.get("manual_seed").getAsLong());
    Transform t = Transforms.compose(Transforms.randomCrop(4, 1), Transforms.randomHorizontalFlip());
    for (com.google.gson.JsonElement want : g.getAsJsonArray("outputs"))
      assertArrayEquals(DataGoldens.floats(want.getAsJsonArray()), t.apply(grid(6, 6)).toFloatArray());
  }

  @Test void horizontalFlipProbability() {
    Tensor img = grid(2, 3);
    assertArrayEquals(new float[]{2, 1, 0, 5, 4, 3}, Transforms.randomHorizontalFlip(1.0).apply(img).toFloatArray());
    assertArrayEquals(img.toFloatArray(), Transforms.randomHorizontalFlip(0.0).apply(img).toFloatArray());
    int flips = 0;
    Transform half = Transforms.randomHorizontalFlip(0.5, 77);
    for (int i = 0; i < 1000; i++) if (half.apply(img).toFloatArray()[0] == 2f) flips++;
    assertTrue(flips > 430 && flips < 570, "flips: " + flips);
  }

  @Test void randomTransformsInALoaderDoNotDependOnWorkers() {
    Transform aug = Transforms.compose(Transforms.randomCrop(6, 2), Transforms.randomHorizontalFlip());
    Dataset<Tensor> ds = new Dataset<>() {
      @Override public int size() { return 40; }
      @Override public Tensor get(int i) { return aug.apply(grid(6, 6).add((double) i)); }
    };
    float[] plain = new DataLoader(ds, 40, true, 0, false, 11).iterator().next().inputs().toFloatArray();
    float[] workers = new DataLoader(ds, 40, true, 3, false, 11).iterator().next().inputs().toFloatArray();
    assertArrayEquals(plain, workers);
  }

  @Test void transformsRecordNoHistory() {
    Tensor x = Torch.rand(1, 4, 4).requiresGrad_(true);
    Tensor y = Transforms.compose(Transforms.normalize(new double[]{0.5}, new double[]{0.25}), Transforms.pad(1)).apply(x);
    assertFalse(y.requiresGrad());
    assertNull(y.gradFn());
  }

  @Test void reprs() {
    assertEquals("Compose(\n    ToTensor()\n    Normalize(mean=(0.1307,), std=(0.3081,))\n)",
        MnistSampleTest.SEED_TRANSFORM.toString());
    assertEquals("RandomCrop(size=(32, 32), padding=4)", Transforms.randomCrop(32, 4).toString());
    assertEquals("Pad(padding=[1, 2], fill=3, padding_mode=edge)", Transforms.pad(new int[]{1, 2}, 3, "edge").toString());
  }

  @Test void argumentErrors() {
    assertEquals("std evaluated to zero after conversion to torch.float32, leading to division by zero.",
        assertThrows(TorchException.class, () -> Transforms.normalize(new double[]{0}, new double[]{0})).getMessage());
    Transform n = Transforms.normalize(new double[]{0}, new double[]{1});
    assertThrows(TorchException.class, () -> n.apply(Torch.zeros(4, 4)));
    assertThrows(TorchException.class, () -> Transforms.pad(new int[]{1, 2, 3}, 0, "constant"));
    assertThrows(TorchException.class, () -> Transforms.pad(new int[]{3}, 0, "reflect").apply(grid(3, 3)));
    assertThrows(TorchException.class, () -> Transforms.pad(new int[]{1}, 0, "wrap").apply(grid(3, 3)));
    assertThrows(TorchException.class, () -> Transforms.toTensor().apply(Torch.fromArray(new long[]{300}, 1, 1)));
  }
}
