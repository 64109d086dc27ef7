package dev.tcompile;

/** Thrown inside a traced function when it reads a value on the host; the compiled function falls back to eager. */
final class GraphBreak extends RuntimeException {
  GraphBreak(String reason) { super(reason, null, false, false); }
}
