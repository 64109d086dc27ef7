package dev.tcompile.format;

/** Placeholder until the PyTorch-exact formatter lands (branch format). */
public record PrintOptions(int precision, int threshold, int edgeitems, int linewidth, Boolean sciMode) {
  private static volatile PrintOptions current = new PrintOptions(4, 1000, 3, 80, null);
  public static PrintOptions current() { return current; }
  public static void set(PrintOptions o) { current = o; }
}
