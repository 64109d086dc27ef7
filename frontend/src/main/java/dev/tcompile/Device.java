package dev.tcompile;

/** Where a tensor lives. tcompile runs on the CPU; the type exists so that PyTorch code ports unchanged. */
public final class Device {
  public static final Device CPU = new Device("cpu");

  private final String type;

  private Device(String type) { this.type = type; }

  /** {@code Device.of("cpu")}; other device types are refused with PyTorch's wording. */
  public static Device of(String spec) {
    String s = spec.trim();
    if (s.equals("cpu") || s.equals("cpu:0")) return CPU;
    if (s.startsWith("cuda") || s.startsWith("mps"))
      throw new TorchException("Torch not compiled with " + (s.startsWith("cuda") ? "CUDA" : "MPS") + " enabled (tcompile runs on the CPU)");
    throw new TorchException("Expected one of cpu, cuda, mps device type at start of device string: " + spec);
  }

  public String type() { return type; }

  @Override public String toString() { return type; }
}
