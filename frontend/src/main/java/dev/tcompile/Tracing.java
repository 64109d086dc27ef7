package dev.tcompile;

/** Eager-side entry points of the tracer: value reads (graph breaks), aliases and in-place writes. */
final class Tracing {
  private Tracing() {}

  /** A tensor's value is read on the host; inside a trace that ends the capture (a graph break). */
  static void graphBreak(Tensor t, String what) {
    TraceHook hook = TraceHook.current();
    if (hook != null) hook.onGraphBreak(t, what);
  }

  /** {@code dst} aliases {@code src}'s value ({@code detach}, {@code data}: with {@code stopGradient}). */
  static void alias(Tensor src, Tensor dst, boolean stopGradient) {
    TraceHook hook = TraceHook.current();
    if (hook != null) hook.onAlias(src, dst, stopGradient);
  }

  /** {@code self} now holds {@code result}'s value (an in-place op wrote it). */
  static void inplace(Tensor self, Tensor result) {
    TraceHook hook = TraceHook.current();
    if (hook != null) hook.onInplace(self, result);
  }

  /** Random numbers are drawn on the host (rand, randn, uniform_...): a trace cannot replay them per call. */
  static void randomDraw() {
    TraceHook hook = TraceHook.current();
    if (hook != null) hook.onRandomDraw();
  }
}
