package dev.tcompile.format;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The options of {@code torch.set_printoptions}, and the process-wide value that printing reads.
 *
 * @param precision digits after the point (or of the mantissa, in scientific notation)
 * @param threshold element count above which tensors are summarised; a double so that the "full" profile
 *     can be infinite, as PyTorch's is
 * @param edgeitems items kept at each end of a summarised dimension
 * @param linewidth characters a line may take before elements wrap
 * @param sciMode true or false to force scientific notation on or off, null to choose per tensor
 */
public record PrintOptions(int precision, double threshold, int edgeitems, int linewidth, Boolean sciMode) {
  public static final PrintOptions DEFAULT = new PrintOptions(4, 1000, 3, 80, null);

  private static final AtomicReference<PrintOptions> CURRENT = new AtomicReference<>(DEFAULT);

  public PrintOptions {
    if (precision < 0) throw new IllegalArgumentException("precision must be >= 0, got " + precision);
    if (edgeitems < 0) throw new IllegalArgumentException("edgeitems must be >= 0, got " + edgeitems);
  }

  public static PrintOptions current() { return CURRENT.get(); }

  /** Replaces the options every later print uses; returns the previous ones, so callers can restore them. */
  public static PrintOptions set(PrintOptions options) {
    if (options == null) throw new NullPointerException("options");
    return CURRENT.getAndSet(options);
  }

  /**
   * PyTorch's named profiles: "default", "short" (precision 2, edgeitems 2) or "full" (never summarise).
   * Like {@code set_printoptions(profile=...)} they leave sciMode automatic.
   */
  public static PrintOptions profile(String name) {
    return switch (name) {
      case "default" -> DEFAULT;
      case "short" -> new PrintOptions(2, 1000, 2, 80, null);
      case "full" -> new PrintOptions(4, Double.POSITIVE_INFINITY, 3, 80, null);
      default -> throw new IllegalArgumentException("unknown print profile '" + name + "' (expected default, short or full)");
    };
  }

  public PrintOptions withPrecision(int p) { return new PrintOptions(p, threshold, edgeitems, linewidth, sciMode); }
  public PrintOptions withThreshold(double t) { return new PrintOptions(precision, t, edgeitems, linewidth, sciMode); }
  public PrintOptions withEdgeitems(int e) { return new PrintOptions(precision, threshold, e, linewidth, sciMode); }
  public PrintOptions withLinewidth(int w) { return new PrintOptions(precision, threshold, edgeitems, w, sciMode); }
  public PrintOptions withSciMode(Boolean s) { return new PrintOptions(precision, threshold, edgeitems, linewidth, s); }
}
