package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.data.Batch;
import dev.tcompile.data.DataLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bundled sample read as torchvision reads it: counts, labels and normalised pixels. */
class MnistSampleTest {
  static final Transform SEED_TRANSFORM = Transforms.compose(Transforms.toTensor(),
      Transforms.normalize(new double[]{0.1307}, new double[]{0.3081}));

  @Test void countsLabelsAndPixelsMatchTorchvision() {
    for (String split : new String[]{"train", "test"}) {
      JsonObject g = DataGoldens.get().getAsJsonObject("mnist_sample").getAsJsonObject(split);
      MNIST ds = new MNIST(DataGoldens.sampleRoot(), split.equals("train"), false, SEED_TRANSFORM);
      MNIST raw = new MNIST(DataGoldens.sampleRoot(), split.equals("train"));
      assertEquals(g.get("count").getAsInt(), ds.size());
      long[] first = DataGoldens.longs(g.getAsJsonArray("first_labels"));
      for (int i = 0; i < first.length; i++) assertEquals(first[i], ds.get(i).label(), split + " label " + i);
      long[] counts = new long[10];
      for (long t : ds.targets().toLongArray()) counts[(int) t]++;
      assertArrayEquals(DataGoldens.longs(g.getAsJsonArray("label_counts")), counts);
      for (String key : g.getAsJsonObject("normalized").keySet()) {
        int i = Integer.parseInt(key);
        Tensor img = ds.get(i).image();
        assertArrayEquals(new int[]{1, 28, 28}, img.shapeArray());
        assertEquals(DType.FLOAT32, img.dtype());
        assertArrayEquals(DataGoldens.floats(g.getAsJsonObject("normalized").getAsJsonArray(key)), img.toFloatArray(),
            split + " image " + i + " after ToTensor + Normalize");
        Tensor px = raw.get(i).image();
        assertEquals(DType.INT64, px.dtype());
        assertArrayEquals(new int[]{28, 28}, px.shapeArray());
        assertEquals(g.getAsJsonObject("raw_pixel_sum").get(key).getAsLong(), px.sum().toLongArray()[0]);
      }
    }
  }

  @Test void firstTestImageIsAnEight() {
    assertEquals(8, new MNIST(DataGoldens.sampleRoot(), false).get(0).label());
  }

  @Test void loaderOverTheSampleGivesTheSeedsShapes() {
    JsonObject g = DataGoldens.get().getAsJsonObject("mnist_sample").getAsJsonObject("train").getAsJsonObject("first_batch");
    MNIST train = new MNIST(DataGoldens.sampleRoot(), true, true, SEED_TRANSFORM);
    Batch b = new DataLoader(train, 32, false, 2).iterator().next();
    assertEquals("torch.Size([32, 1, 28, 28])", b.inputs().size().toString());
    assertEquals("torch.Size([32])", b.labels().size().toString());
    assertEquals(DType.INT64, b.labels().dtype());
    assertArrayEquals(DataGoldens.longs(g.getAsJsonArray("labels")), b.labels().toLongArray());
    double sum = 0;
    for (float v : b.inputs().toFloatArray()) sum += v;
    assertEquals(g.get("image_sum").getAsDouble(), sum, 1e-2);
    dev.tcompile.Torch.manualSeed(0);
    DataLoader shuffled = new DataLoader(train, 32, true, 2);
    assertArrayEquals(DataGoldens.longs(DataGoldens.get().getAsJsonObject("mnist_sample").getAsJsonObject("train")
        .getAsJsonArray("first_shuffled_batch_seed0")), shuffled.iterator().next().labels().toLongArray(),
        "torch.manual_seed(0): the seed's first shuffled batch");
    assertEquals(250, shuffled.size());
    int batches = 0, items = 0;
    for (Batch s : shuffled) { batches++; items += s.batchSize(); }
    assertEquals(250, batches);
    assertEquals(8000, items);
  }

  @Test void reprLikeTorchvision() {
    MNIST ds = new MNIST(DataGoldens.sampleRoot(), true, false, SEED_TRANSFORM);
    assertTrue(ds.toString().startsWith("Dataset MNIST\n    Number of datapoints: 8000\n"), ds.toString());
    assertTrue(ds.toString().endsWith("Transform: Compose(\n               ToTensor()\n"
        + "               Normalize(mean=(0.1307,), std=(0.3081,))\n           )"), ds.toString());
  }

  @Test void missingDatasetSaysWhereToPutIt(@org.junit.jupiter.api.io.TempDir Path dir) {
    TorchException e = assertThrows(TorchException.class, () -> new MNIST(dir.toString(), true, false, null));
    assertTrue(e.getMessage().contains(dir.resolve("MNIST/raw").toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("download=true"), e.getMessage());
    assertThrows(TorchException.class, () -> new MNIST(DataGoldens.sampleRoot(), true).get(8000));
  }
}
