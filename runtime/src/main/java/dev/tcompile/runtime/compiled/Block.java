package dev.tcompile.runtime.compiled;

import dev.tcompile.DType;

/**
 * The value of one body node over a block of consecutive elements of a fused kernel's iteration space: a run of a
 * float or bool array ({@code off}, the block's length), or one scalar that every element shares.
 */
final class Block {
  final DType dtype;
  final boolean scalar;
  /** Final but for the per-thread cursor blocks ({@link BlockOps#cursor}), pointed at each call's arrays. */
  float[] f;
  final boolean[] b;
  /** Final but for the per-thread cursor blocks over dense inputs ({@link BlockOps#cursor}), moved block by block. */
  int off;
  /** Final but for an input's own scalar block ({@link #ownScalar}), refilled at the start of each call. */
  float fs;
  final boolean bs;
  /** For a block wrapping one of {@link Scratch}'s arrays (made once per array and reused), its index there; else -1. */
  final int slot;

  private Block(DType dtype, boolean scalar, float[] f, boolean[] b, int off, float fs, boolean bs, int slot) {
    this.dtype = dtype;
    this.scalar = scalar;
    this.f = f;
    this.b = b;
    this.off = off;
    this.fs = fs;
    this.bs = bs;
    this.slot = slot;
  }

  private Block(DType dtype, boolean scalar, float[] f, boolean[] b, int off, float fs, boolean bs) {
    this(dtype, scalar, f, b, off, fs, bs, -1);
  }

  static Block scratch(float[] f, int slot) { return new Block(DType.FLOAT32, false, f, null, 0, 0, false, slot); }
  static Block scratch(boolean[] b, int slot) { return new Block(DType.BOOL, false, null, b, 0, 0, false, slot); }

  static Block of(float[] f, int off) { return new Block(DType.FLOAT32, false, f, null, off, 0, false); }
  static Block of(boolean[] b, int off) { return new Block(DType.BOOL, false, null, b, off, 0, false); }
  static Block scalar(float v) { return new Block(DType.FLOAT32, true, null, null, 0, v, false); }
  /**
   * A float scalar block that one input of one thread's fused-loop call owns and refills when the call starts
   * (FusedLoop's Input.set): a scalar input that changes every step (Adam's bias corrections) allocates nothing.
   */
  static Block ownScalar() { return new Block(DType.FLOAT32, true, null, null, 0, 0, false); }
  /** A bool scalar: one of two shared blocks (bool scalar blocks never change), so a comparison of scalars allocates nothing. */
  static Block scalar(boolean v) { return v ? TRUE : FALSE; }

  private static final Block TRUE = new Block(DType.BOOL, true, null, null, 0, 0, true), FALSE = new Block(DType.BOOL, true, null, null, 0, 0, false);

  float floatAt(int i) { return scalar ? fs : f[off + i]; }
  boolean boolAt(int i) { return scalar ? bs : b[off + i]; }
}
