package dev.tcompile.data;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Torch;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shuffled loaders visit items in PyTorch 1.13's order (goldens/data.json, from tools/goldens/data.py). */
class LoaderOrderGoldenTest {
  static JsonObject golden() throws Exception {
    try (InputStream in = LoaderOrderGoldenTest.class.getResourceAsStream("/goldens/data.json")) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("loader");
    }
  }

  static List<Long> epoch(DataLoader loader) {
    List<Long> ids = new ArrayList<>();
    for (Batch b : loader) for (long v : b.inputs().toLongArray()) ids.add(v);
    return ids;
  }

  static List<Long> longs(JsonElement e) { return e.getAsJsonArray().asList().stream().map(JsonElement::getAsLong).toList(); }

  @Test void unseededShuffleAfterManualSeed() throws Exception {
    JsonObject g = golden();
    Torch.manualSeed(g.get("manual_seed").getAsLong());
    DataLoader loader = new DataLoader(new TensorDataset(Torch.arange(100)), 10, true);
    JsonArray epochs = g.getAsJsonArray("unseeded_epochs");
    assertEquals(longs(epochs.get(0)), epoch(loader));
    assertEquals(longs(epochs.get(1)), epoch(loader));
    float[] after = Torch.rand(3).toFloatArray();
    JsonArray want = g.getAsJsonArray("rand_after");
    for (int i = 0; i < 3; i++) assertEquals(want.get(i).getAsFloat(), after[i], "the default generator advanced as PyTorch's");
  }

  @Test void seededLoaderIsATorchGenerator() throws Exception {
    JsonObject g = golden();
    DataLoader loader = new DataLoader(new TensorDataset(Torch.arange(100)), 10, true, 0, false, g.get("generator_seed").getAsLong());
    JsonArray epochs = g.getAsJsonArray("seeded_epochs");
    assertEquals(longs(epochs.get(0)), epoch(loader));
    assertEquals(longs(epochs.get(1)), epoch(loader));
  }
}
