package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;

/** Receives what eager execution does while a trace records on this thread (the {@link Tracer} implements it). */
interface TraceHook {
  ThreadLocal<TraceHook> CURRENT = new ThreadLocal<>();

  static TraceHook current() { return CURRENT.get(); }

  void onOp(OpDef op, Attrs attrs, Tensor[] inputs, Tensor[] outputs);

  /** A tensor object came into existence (those born inside the trace become constants, not captured inputs). */
  void onCreate(Tensor t);

  /** A traced tensor's value was read ({@code item()}, {@code toFloatArray()}): the capture cannot continue. */
  void onGraphBreak(Tensor t, String what);

  void onAlias(Tensor src, Tensor dst, boolean stopGradient);

  void onInplace(Tensor self, Tensor result);

  /** A tensor was filled from the default generator on the host (not through a seeded random op). */
  void onRandomDraw();
}
