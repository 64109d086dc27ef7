package dev.tcompile.ir;

import dev.tcompile.TorchException;
import dev.tcompile.ir.ops.Activations;
import dev.tcompile.ir.ops.Addc;
import dev.tcompile.ir.ops.AdvancedIndexing;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.Creation;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Embedding;
import dev.tcompile.ir.ops.FusedLosses;
import dev.tcompile.ir.ops.GeluTanh;
import dev.tcompile.ir.ops.Indexing;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.ir.ops.LossFunctions;
import dev.tcompile.ir.ops.Normalization;
import dev.tcompile.ir.ops.Padding;
import dev.tcompile.ir.ops.Pooling;
import dev.tcompile.ir.ops.Reductions;
import dev.tcompile.ir.ops.Sampling;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every op by its IR name: what the parser and tools look up. Op families register by listing them here. */
public final class OpRegistry {
  private OpRegistry() {}

  private static final Map<String, OpDef> BY_NAME = new LinkedHashMap<>();

  /** Holders of {@code public static final OpDef} fields; later op families add their class here. */
  private static final Class<?>[] FAMILIES = {
    Elementwise.class, Reductions.class, Views.class, LinearAlgebra.class, Indexing.class, Creation.class, Activations.class,
    Convolution.class, Pooling.class, Padding.class, LossFunctions.class, FusedLosses.class, Normalization.class, Embedding.class, Sampling.class, GeluTanh.class, Addc.class, AdvancedIndexing.class,
  };

  static {
    for (UnaryOp k : UnaryOp.values()) register(Elementwise.unary(k));
    for (BinaryOp k : BinaryOp.values()) register(Elementwise.binary(k));
    for (Class<?> c : FAMILIES) {
      for (Field f : c.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && OpDef.class.isAssignableFrom(f.getType())) {
          try { register((OpDef) f.get(null)); } catch (IllegalAccessException e) { throw new IllegalStateException(e); }
        }
      }
    }
  }

  private static void register(OpDef op) {
    OpDef prev = BY_NAME.putIfAbsent(op.name(), op);
    if (prev != null && prev != op) throw new IllegalStateException("two ops named " + op.name());
  }

  public static OpDef get(String name) {
    OpDef op = BY_NAME.get(name);
    if (op == null) throw new TorchException("unknown op '" + name + "'");
    return op;
  }

  public static OpDef find(String name) { return BY_NAME.get(name); }

  public static Collection<OpDef> all() { return Collections.unmodifiableCollection(BY_NAME.values()); }
}
