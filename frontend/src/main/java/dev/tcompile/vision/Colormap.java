package dev.tcompile.vision;

import dev.tcompile.TorchException;
import java.util.Arrays;

/**
 * matplotlib's colour maps with 256 entries, as 8-bit RGB exactly as matplotlib composes them
 * ({@code (lut * 255).astype(uint8)}). gray and jet are built from matplotlib's segment data with its
 * {@code _create_lookup_table}; viridis is matplotlib's listed table.
 */
public final class Colormap {
  static final int N = 256;

  private final String name;
  /** Entry colours as floats in [0, 1], three per entry. */
  private final double[] lut;
  private final int[] rgb;

  private Colormap(String name, double[] lut) {
    this.name = name;
    this.lut = lut;
    this.rgb = new int[N];
    for (int i = 0; i < N; i++) rgb[i] = pack(lut, i, Colormap::truncate);
  }

  /** "gray", "jet" or "viridis" (matplotlib's default). */
  public static Colormap get(String name) {
    return switch (name) {
      case "gray" -> GRAY;
      case "jet" -> JET;
      case "viridis" -> VIRIDIS;
      default -> throw new TorchException("'" + name + "' is not a known colormap name (supported: gray, jet, viridis)");
    };
  }

  private static final Colormap GRAY = segmented("gray", new double[][]{{0, 0, 0}, {1, 1, 1}},
      new double[][]{{0, 0, 0}, {1, 1, 1}}, new double[][]{{0, 0, 0}, {1, 1, 1}});

  /** matplotlib's {@code _jet_data}. */
  private static final Colormap JET = segmented("jet",
      new double[][]{{0, 0, 0}, {0.35, 0, 0}, {0.66, 1, 1}, {0.89, 1, 1}, {1, 0.5, 0.5}},
      new double[][]{{0, 0, 0}, {0.125, 0, 0}, {0.375, 1, 1}, {0.64, 1, 1}, {0.91, 0, 0}, {1, 0, 0}},
      new double[][]{{0, 0.5, 0.5}, {0.11, 1, 1}, {0.34, 1, 1}, {0.65, 0, 0}, {1, 0, 0}});

  private static final Colormap VIRIDIS = listed("viridis", ViridisData.RGB);

  public String name() { return name; }

  /** The colour of entry i (0..255) as 0xRRGGBB, as imshow paints it ({@code bytes=True}: truncated). */
  public int rgb(int i) { return rgb[i]; }

  /** Entry i as Agg paints a float colour (colour-bar solids): rounded to the nearest byte. */
  int roundedRgb(int i) { return pack(lut, i, v -> (int) (v * 255 + 0.5)); }

  /**
   * The entry for a value already normalised to [0, 1], as {@code Colormap.__call__} picks it from a float32
   * array: {@code int(x * 256)}, 1.0 and above to the last entry, below 0 to the first.
   */
  public static int index(float normalized) {
    float xa = normalized * N;
    if (!(xa >= 0)) return 0;
    if (xa >= N) return N - 1;
    return (int) xa;
  }

  private static Colormap listed(String name, double[] table) { return new Colormap(name, table.clone()); }

  private static Colormap segmented(String name, double[][] red, double[][] green, double[][] blue) {
    double[] r = lookupTable(red), g = lookupTable(green), b = lookupTable(blue);
    double[] lut = new double[3 * N];
    for (int i = 0; i < N; i++) { lut[3 * i] = r[i]; lut[3 * i + 1] = g[i]; lut[3 * i + 2] = b[i]; }
    return new Colormap(name, lut);
  }

  private static int pack(double[] lut, int i, java.util.function.DoubleToIntFunction toByte) {
    return toByte.applyAsInt(lut[3 * i]) << 16 | toByte.applyAsInt(lut[3 * i + 1]) << 8 | toByte.applyAsInt(lut[3 * i + 2]);
  }

  /** {@code (v * 255).astype(uint8)}. */
  private static int truncate(double v) { return (int) (v * 255); }

  /** matplotlib's {@code _create_lookup_table(N, data)} with gamma 1, in double precision as NumPy computes it. */
  static double[] lookupTable(double[][] data) {
    int m = data.length;
    double[] x = new double[m];
    for (int k = 0; k < m; k++) x[k] = data[k][0] * (N - 1);
    double step = 1.0 / (N - 1);
    double[] lut = new double[N];
    lut[0] = data[0][2];
    lut[N - 1] = data[m - 1][1];
    for (int i = 1; i < N - 1; i++) {
      double xind = (N - 1) * (i * step);
      int ind = Arrays.binarySearch(x, xind);
      if (ind < 0) ind = -ind - 1;
      else while (ind > 0 && x[ind - 1] == xind) ind--;
      double distance = (xind - x[ind - 1]) / (x[ind] - x[ind - 1]);
      lut[i] = distance * (data[ind][1] - data[ind - 1][2]) + data[ind - 1][2];
    }
    for (int i = 0; i < N; i++) lut[i] = Math.max(0, Math.min(1, lut[i]));
    return lut;
  }
}
