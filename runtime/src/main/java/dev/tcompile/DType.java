package dev.tcompile;

/** Element types, named as PyTorch names them. Float32 is the default for floating-point values. */
public enum DType {
  FLOAT32("torch.float32", "Float", 4),
  FLOAT64("torch.float64", "Double", 8),
  INT64("torch.int64", "Long", 8),
  BOOL("torch.bool", "Bool", 1);

  private final String torchName;
  private final String legacyName;
  private final int itemSize;

  DType(String torchName, String legacyName, int itemSize) {
    this.torchName = torchName;
    this.legacyName = legacyName;
    this.itemSize = itemSize;
  }

  /** {@code torch.float32}, as {@code print(t.dtype)} shows. */
  public String torchName() { return torchName; }

  /** {@code FloatTensor}'s stem, as PyTorch's messages show ({@code torch.FloatTensor [3]}). */
  public String legacyName() { return legacyName; }

  public int itemSize() { return itemSize; }

  public boolean isFloatingPoint() { return this == FLOAT32 || this == FLOAT64; }

  /** Short IR spelling: f32, f64, i64, bool. */
  public String irName() {
    return switch (this) { case FLOAT32 -> "f32"; case FLOAT64 -> "f64"; case INT64 -> "i64"; case BOOL -> "bool"; };
  }

  public static DType fromIrName(String s) {
    return switch (s) {
      case "f32" -> FLOAT32; case "f64" -> FLOAT64; case "i64" -> INT64; case "bool" -> BOOL;
      default -> throw new TorchException("unknown dtype '" + s + "' (expected f32, f64, i64 or bool)");
    };
  }

  /** PyTorch's promotion between two tensor operands of the same category level. */
  public static DType promote(DType a, DType b) {
    if (a == b) return a;
    if (a == FLOAT64 || b == FLOAT64) return FLOAT64;
    if (a == FLOAT32 || b == FLOAT32) return FLOAT32;
    if (a == INT64 || b == INT64) return INT64;
    return BOOL;
  }

  private int category() { return this == BOOL ? 0 : this == INT64 ? 1 : 2; }

  /**
   * PyTorch's {@code result_type} of two tensor operands: a zero-dim operand (a scalar tensor, or a wrapped
   * Python number) only decides the dtype when its category (bool < integer < floating) is higher than the
   * other operand's, so a float64 scalar leaves a float32 tensor float32 while an int64 tensor becomes float64.
   */
  public static DType resultType(DType a, boolean aZeroDim, DType b, boolean bZeroDim) {
    if (aZeroDim == bZeroDim) return promote(a, b);
    DType dim = aZeroDim ? b : a, zero = aZeroDim ? a : b;
    return zero.category() > dim.category() ? promote(dim, zero) : dim;
  }

  /**
   * The floating dtype an op that always computes in floating point (exp, div, mean...) gives for an input of
   * this dtype: float64 stays float64, everything else becomes the default float32.
   */
  public DType floatResult() { return this == FLOAT64 ? FLOAT64 : FLOAT32; }

  @Override public String toString() { return torchName; }
}
