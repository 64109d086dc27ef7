package dev.tcompile.ir;

import dev.tcompile.TorchException;

/** A malformed IR text: the message starts with {@code line:column}. */
public final class IrParseException extends TorchException {
  private final int line, column;

  public IrParseException(int line, int column, String message) {
    super(line + ":" + column + ": " + message);
    this.line = line;
    this.column = column;
  }

  public int line() { return line; }
  public int column() { return column; }
}
