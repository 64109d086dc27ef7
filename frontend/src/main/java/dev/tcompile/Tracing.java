package dev.tcompile;

/** Eager-side entry points of the tracer: reads of values inside a trace are graph breaks. */
final class Tracing {
  private Tracing() {}

  /** Called when a traced tensor's value is read on the host: the tracer abandons the capture for this signature. */
  static void graphBreak(Tensor t, String what) {
    TraceHook hook = TraceHook.current();
    if (hook != null && t.traceValue != null) hook.onGraphBreak(t, what);
  }
}
