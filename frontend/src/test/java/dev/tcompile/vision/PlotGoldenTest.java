package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Torch;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The seed's figures against matplotlib (goldens/plot.json from tools/goldens/plot.py): figure size, axes and
 * colour-bar boxes, tick labels, and the exact RGB at the centre of image cells and along colour bars.
 * The PNGs are written to target/figures for looking at.
 */
class PlotGoldenTest {
  static final Path OUT = Path.of("target", "figures");

  static JsonObject goldens() throws IOException {
    try (InputStream in = PlotGoldenTest.class.getResourceAsStream("/goldens/plot.json")) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

  @Test void colourTablesAreMatplotlibs() throws IOException {
    JsonObject luts = goldens().getAsJsonObject("luts");
    for (String name : List.of("gray", "jet", "viridis")) {
      long[] want = DataGoldens.longs(luts.getAsJsonArray(name));
      Colormap c = Colormap.get(name);
      for (int i = 0; i < 256; i++) assertEquals(want[i], c.rgb(i), name + " entry " + i);
    }
  }

  @TestFactory Stream<DynamicTest> seedFiguresMatchMatplotlib() throws IOException {
    return goldens().getAsJsonArray("figures").asList().stream().map(JsonElement::getAsJsonObject)
        .map(f -> DynamicTest.dynamicTest(f.get("name").getAsString(), () -> check(f)));
  }

  static void check(JsonObject f) throws IOException {
    JsonArray size = f.getAsJsonArray("figsize");
    Figure fig = new Figure(size.get(0).getAsDouble(), size.get(1).getAsDouble());
    List<JsonObject> axes = f.getAsJsonArray("axes").asList().stream().map(JsonElement::getAsJsonObject).toList();
    for (JsonObject a : axes) {
      int[] spec = DataGoldens.ints(a.getAsJsonArray("spec"));
      Axes ax = fig.subplot(spec[0], spec[1], spec[2]);
      if (!a.get("title").isJsonNull()) ax.title(a.get("title").getAsString());
      ax.imshow(Torch.fromArray(DataGoldens.floats(a.getAsJsonArray("data")), DataGoldens.ints(a.getAsJsonArray("shape"))),
          a.get("cmap").getAsString());
      if (a.get("colorbar").getAsBoolean()) ax.colorbar();
    }
    Files.createDirectories(OUT);
    Path png = OUT.resolve(f.get("name").getAsString() + ".png");
    fig.savefig(png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertArrayEquals(DataGoldens.ints(f.getAsJsonArray("size_px")), new int[]{img.getWidth(), img.getHeight()});
    for (int i = 0; i < axes.size(); i++) {
      JsonObject a = axes.get(i);
      Axes ax = fig.axes().get(i);
      Box[] boxes = fig.layout(ax);
      assertBox(a.getAsJsonArray("box"), fig.pixels(boxes[0]));
      assertEquals(strings(a.getAsJsonArray("xticks")), labels(fig.xTicks(ax)));
      assertEquals(strings(a.getAsJsonArray("yticks")), labels(fig.yTicks(ax)));
      for (JsonElement e : a.getAsJsonArray("cells")) {
        long[] c = DataGoldens.longs(e.getAsJsonArray());
        assertEquals(hex(c[4]), hex(img.getRGB((int) c[2], (int) c[3]) & 0xFFFFFF),
            "cell (" + c[0] + ", " + c[1] + ") at pixel (" + c[2] + ", " + c[3] + ")");
      }
      if (a.has("colorbar_box")) {
        assertBox(a.getAsJsonArray("colorbar_box"), fig.pixels(boxes[1]));
        assertEquals(strings(a.getAsJsonArray("colorbar_ticks")), labels(fig.colorbarTicks(ax)));
        for (JsonElement e : a.getAsJsonArray("colorbar_samples")) {
          long[] c = DataGoldens.longs(e.getAsJsonArray());
          assertEquals(hex(c[2]), hex(img.getRGB((int) c[0], (int) c[1]) & 0xFFFFFF), "colour bar at pixel (" + c[0] + ", " + c[1] + ")");
        }
      }
    }
  }

  static void assertBox(JsonArray want, Figure.Pixels got) {
    double[] w = {want.get(0).getAsDouble(), want.get(1).getAsDouble(), want.get(2).getAsDouble(), want.get(3).getAsDouble()};
    assertArrayEquals(w, new double[]{got.left(), got.top(), got.right(), got.bottom()}, 1e-6);
  }

  static List<String> strings(JsonArray a) { return a.asList().stream().map(JsonElement::getAsString).toList(); }

  static List<String> labels(List<Ticks.Tick> ticks) { return ticks.stream().map(Ticks.Tick::label).toList(); }

  static String hex(long rgb) { return String.format("#%06x", rgb); }
}
