package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pyplot-style API, and rendering in a JVM that has no fonts and no fontconfig (as on a bare CI image). */
class PlotTest {
  @TempDir Path dir;

  @AfterEach void reset() { Plot.close(); }

  /** A [1, 28, 28] image whose left half is 0 and right half 1. */
  static Tensor halves() {
    float[] v = new float[28 * 28];
    for (int i = 0; i < v.length; i++) v[i] = i % 28 >= 14 ? 1 : 0;
    return Torch.fromArray(v, 1, 28, 28);
  }

  static BufferedImage read(Path p) throws Exception { return ImageIO.read(p.toFile()); }

  @Test void seedStyleCallsWriteAPngOfTheFigureSize() throws Exception {
    Plot.figure(15, 30);
    Plot.subplot(131);
    Plot.title("Input");
    Plot.imshow(halves(), "gray");
    Plot.subplot(1, 3, 2);
    Plot.imshow(halves().squeeze(), "jet");
    Plot.colorbar();
    Path png = dir.resolve("fig.png");
    Plot.savefig(png);
    BufferedImage img = read(png);
    assertEquals(1500, img.getWidth());
    assertEquals(3000, img.getHeight());
    assertEquals(2, Plot.gcf().axes().size());
    assertSame(Plot.gcf().axes().get(0), Plot.subplot(131), "the same grid position is the same subplot");
    assertEquals("true", System.getProperty("java.awt.headless"));
  }

  @Test void defaultFigureAndColourMaps() throws Exception {
    Plot.imshow(halves(), "gray");
    Path png = dir.resolve("gray.png");
    Plot.savefig(png);
    BufferedImage img = read(png);
    assertEquals(640, img.getWidth());
    assertEquals(480, img.getHeight());
    // the image spans x 143.2..512.8, y 57.6..427.2 (as matplotlib): left half black, right half white
    assertEquals(0x000000, img.getRGB(200, 240) & 0xFFFFFF);
    assertEquals(0xFFFFFF, img.getRGB(450, 240) & 0xFFFFFF);
    assertEquals(0xFFFFFF, img.getRGB(100, 20) & 0xFFFFFF, "background");
    Plot.figure();
    Plot.imshow(halves());
    Plot.savefig(png);
    img = read(png);
    assertEquals(0x440154, img.getRGB(200, 240) & 0xFFFFFF, "viridis low end");
    assertEquals(0xFDE724, img.getRGB(450, 240) & 0xFFFFFF, "viridis high end");
    Plot.figure();
    Plot.imshow(halves(), "jet");
    Plot.colorbar();
    Plot.savefig(png);
    img = read(png);
    assertEquals(0x00007F, img.getRGB(150, 240) & 0xFFFFFF, "jet low end");
    assertEquals(0x7F0000, img.getRGB(450, 240) & 0xFFFFFF, "jet high end");
    assertEquals(Colormap.get("jet").roundedRgb(128), img.getRGB(510, 241) & 0xFFFFFF, "colour bar middle (entry 128)");
    assertEquals(0x000000, img.getRGB(501, 240) & 0xFFFFFF, "colour bar outline");
  }

  @Test void textIsDrawn() throws Exception {
    Plot.title("Weight");
    Plot.imshow(halves(), "gray");
    BufferedImage img = Plot.gcf().render();
    int dark = 0;
    for (int y = 30; y < 50; y++) for (int x = 290; x < 370; x++) if ((img.getRGB(x, y) & 0xFF) < 128) dark++;
    assertTrue(dark > 40, "title pixels: " + dark);
  }

  @Test void errors() {
    assertThrows(TorchException.class, () -> Plot.imshow(Torch.zeros(2, 3, 4), "gray"));
    assertThrows(TorchException.class, () -> Plot.imshow(Torch.zeros(3, 4), "hot"));
    assertThrows(TorchException.class, () -> Plot.subplot(1, 3, 4));
    assertThrows(TorchException.class, () -> Plot.subplot(10));
    Plot.figure();
    assertThrows(TorchException.class, Plot::colorbar);
  }

  @Test void rendersWithoutFontsOrFontconfig() throws Exception {
    Path png = dir.resolve("nofonts.png");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dsun.java2d.fontpath=" + dir.resolve("no-fonts"), "-Dsun.awt.fontconfig=" + dir.resolve("no-fontconfig"),
        NoFontsMain.class.getName(), png.toString());
    pb.environment().put("FONTCONFIG_FILE", dir.resolve("none.conf").toString());
    pb.environment().put("FONTCONFIG_PATH", dir.resolve("none").toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    assertTrue(Files.size(png) > 1000, output);
    assertEquals(List.of(640, 480), List.of(read(png).getWidth(), read(png).getHeight()));
  }

  /** Run in a child JVM by {@link #rendersWithoutFontsOrFontconfig}. */
  public static final class NoFontsMain {
    public static void main(String[] args) {
      Plot.title("No fonts: 0.5");
      Plot.imshow(halves(), "jet");
      Plot.colorbar();
      Plot.savefig(Path.of(args[0]));
    }
  }
}
