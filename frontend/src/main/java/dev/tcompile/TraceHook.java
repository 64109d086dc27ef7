package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;

/** Receives every eagerly executed op while a trace is active on this thread (the tracer implements it). */
interface TraceHook {
  ThreadLocal<TraceHook> CURRENT = new ThreadLocal<>();

  static TraceHook current() { return CURRENT.get(); }

  void onOp(OpDef op, Attrs attrs, Tensor[] inputs, Tensor[] outputs);

  /** A traced tensor's value was read ({@code item()}, {@code toFloatArray()}): the capture cannot continue. */
  void onGraphBreak(Tensor t, String what);
}
