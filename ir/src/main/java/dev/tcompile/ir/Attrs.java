package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An op's attributes: an ordered, immutable map from names to values of a few types — {@code Integer},
 * {@code Long}, {@code Double}, {@code Boolean}, {@code String}, {@code int[]}, {@link DType}. Equality is by
 * value (CSE and caches rely on it). Prints as {@code dim=1, keepdim=true}.
 */
public final class Attrs {
  public static final Attrs EMPTY = new Attrs(new LinkedHashMap<>());

  private final Map<String, Object> values;

  private Attrs(LinkedHashMap<String, Object> values) { this.values = Collections.unmodifiableMap(values); }

  /** Pairs of name, value: {@code Attrs.of("dim", 1, "keepdim", true)}. */
  public static Attrs of(Object... kv) {
    if (kv.length % 2 != 0) throw new IllegalArgumentException("Attrs.of takes name/value pairs");
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], check(kv[i + 1]));
    return new Attrs(m);
  }

  public static Attrs of(Map<String, Object> map) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    map.forEach((k, v) -> m.put(k, check(v)));
    return new Attrs(m);
  }

  private static Object check(Object v) {
    if (v instanceof int[] a) return a.clone();
    if (v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Boolean || v instanceof String
        || v instanceof DType) return v;
    if (v instanceof Float f) return f.doubleValue();
    throw new IllegalArgumentException("unsupported attribute value " + v + " (" + (v == null ? "null" : v.getClass()) + ")");
  }

  public Attrs with(String name, Object value) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>(values);
    m.put(name, check(value));
    return new Attrs(m);
  }

  public Map<String, Object> asMap() { return values; }
  public boolean has(String name) { return values.containsKey(name); }
  public boolean isEmpty() { return values.isEmpty(); }

  private Object get(String name) {
    Object v = values.get(name);
    if (v == null) throw new TorchException("missing attribute '" + name + "'");
    return v;
  }

  public int getInt(String name) {
    Object v = get(name);
    if (v instanceof Integer i) return i;
    if (v instanceof Long l && l == (int) (long) l) return (int) (long) l;
    throw new TorchException("attribute '" + name + "' must be an int, got " + render(v));
  }

  public long getLong(String name) {
    Object v = get(name);
    if (v instanceof Integer i) return i;
    if (v instanceof Long l) return l;
    throw new TorchException("attribute '" + name + "' must be an integer, got " + render(v));
  }

  public double getDouble(String name) {
    Object v = get(name);
    if (v instanceof Number n) return n.doubleValue();
    throw new TorchException("attribute '" + name + "' must be a number, got " + render(v));
  }

  public boolean getBool(String name) {
    Object v = get(name);
    if (v instanceof Boolean b) return b;
    throw new TorchException("attribute '" + name + "' must be a bool, got " + render(v));
  }

  public String getString(String name) {
    Object v = get(name);
    if (v instanceof String s) return s;
    throw new TorchException("attribute '" + name + "' must be a string, got " + render(v));
  }

  public int[] getInts(String name) {
    Object v = get(name);
    if (v instanceof int[] a) return a.clone();
    throw new TorchException("attribute '" + name + "' must be an int list, got " + render(v));
  }

  public DType getDType(String name) {
    Object v = get(name);
    if (v instanceof DType d) return d;
    throw new TorchException("attribute '" + name + "' must be a dtype, got " + render(v));
  }

  public double getDouble(String name, double dflt) { return has(name) ? getDouble(name) : dflt; }
  public int getInt(String name, int dflt) { return has(name) ? getInt(name) : dflt; }
  public boolean getBool(String name, boolean dflt) { return has(name) ? getBool(name) : dflt; }

  /** IR text of one value: ints plain, longs with an {@code L}, doubles always with a '.', or 'e', or nan/inf. */
  public static String render(Object v) {
    if (v instanceof int[] a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.length; i++) { if (i > 0) sb.append(", "); sb.append(a[i]); }
      return sb.append(']').toString();
    }
    if (v instanceof Long l) return l + "L";
    if (v instanceof Double d) {
      if (d.isNaN()) return "nan";
      if (d.isInfinite()) return d > 0 ? "inf" : "-inf";
      return Double.toString(d);
    }
    if (v instanceof String s) return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    if (v instanceof DType d) return d.irName();
    return String.valueOf(v);
  }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> { if (!sb.isEmpty()) sb.append(", "); sb.append(k).append('=').append(render(v)); });
    return sb.toString();
  }

  @Override public boolean equals(Object o) {
    if (!(o instanceof Attrs a) || a.values.size() != values.size()) return false;
    for (var e : values.entrySet()) {
      Object w = a.values.get(e.getKey());
      Object v = e.getValue();
      if (v instanceof int[] x ? !(w instanceof int[] y && Arrays.equals(x, y)) : !v.equals(w)) return false;
    }
    return true;
  }

  @Override public int hashCode() {
    int h = 0;
    for (var e : values.entrySet()) {
      Object v = e.getValue();
      h += e.getKey().hashCode() ^ (v instanceof int[] a ? Arrays.hashCode(a) : v.hashCode());
    }
    return h;
  }
}
