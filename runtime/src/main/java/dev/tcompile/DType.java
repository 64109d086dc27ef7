package dev.tcompile;

/** Element types, named as PyTorch names them. Float32 is the default for floating-point values. */
public enum DType {
  FLOAT32("torch.float32", "Float", 4),
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

  public boolean isFloatingPoint() { return this == FLOAT32; }

  /** Short IR spelling: f32, i64, bool. */
  public String irName() {
    return switch (this) { case FLOAT32 -> "f32"; case INT64 -> "i64"; case BOOL -> "bool"; };
  }

  public static DType fromIrName(String s) {
    return switch (s) {
      case "f32" -> FLOAT32; case "i64" -> INT64; case "bool" -> BOOL;
      default -> throw new TorchException("unknown dtype '" + s + "' (expected f32, i64 or bool)");
    };
  }

  /** PyTorch's promotion between two tensor operands of the same category level. */
  public static DType promote(DType a, DType b) {
    if (a == b) return a;
    if (a == FLOAT32 || b == FLOAT32) return FLOAT32;
    if (a == INT64 || b == INT64) return INT64;
    return BOOL;
  }

  @Override public String toString() { return torchName; }
}
