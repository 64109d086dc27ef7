package dev.tcompile;

import dev.tcompile.nn.Module;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The host state a compiled function can read, as a guard (what torch.compile's guards do for Python
 * attributes and globals). A trace bakes Java values into the program — a {@code float} field, a module's
 * training flag, which tensor object a field holds — so before each call the state reachable from the function
 * object is compared with the state its trace saw, and any change forces a retrace instead of a stale answer.
 *
 * <p>The walk starts at the function object (a lambda's captured variables; {@code this} when it reads fields)
 * plus the non-final static fields of the class that wrote the lambda, and follows object fields, arrays and
 * JDK collections. It records primitive, boxed, string and enum values, tensor identities, and the sizes and
 * classes of what it passes. Final primitive fields are skipped (they cannot change); tcompile's own objects
 * other than modules and tensors (optimisers, loaders, compiled functions) and other JDK objects are not
 * entered. Not seen: values behind method calls the walk cannot enter (a {@code Random}, the clock, other
 * classes' statics), primitive arrays longer than {@value #ARRAY_CONTENTS} elements (guarded by identity), and
 * anything past {@value #MAX_LEAVES} recorded values (a one-time warning says so).
 */
final class ClosureState {
  static final int MAX_LEAVES = 20_000;
  static final int MAX_DEPTH = 32;
  static final int ARRAY_CONTENTS = 64;

  private final List<Object> leaves;
  private final List<Tensor> tensors;
  private final boolean truncated;

  private ClosureState(List<Object> leaves, List<Tensor> tensors, boolean truncated) {
    this.leaves = leaves;
    this.tensors = tensors;
    this.truncated = truncated;
  }

  static ClosureState of(Object fn) {
    Walker w = new Walker(false);
    w.root(fn);
    return new ClosureState(w.leaves, w.tensors, w.truncated);
  }

  /** The tensors the function can reach, in walk order (for argument-aliasing keys). */
  List<Tensor> tensors() { return tensors; }

  boolean truncated() { return truncated; }

  /** Null when {@code this} (now) matches {@code then} (when traced); else which value changed, and how. */
  String changedSince(ClosureState then, Object fn) {
    if (leaves.equals(then.leaves)) return null;
    int i = 0;
    while (i < leaves.size() && i < then.leaves.size() && Objects.equals(leaves.get(i), then.leaves.get(i))) i++;
    Walker w = new Walker(true);
    w.root(fn);
    String where = i < w.paths.size() ? w.paths.get(i) : "the function's captured state";
    String was = i < then.leaves.size() ? show(then.leaves.get(i)) : "absent";
    String now = i < leaves.size() ? show(leaves.get(i)) : "absent";
    return where + " changed from " + was + " to " + now;
  }

  private static String show(Object leaf) {
    if (leaf instanceof Same s) return s.o instanceof Tensor t ? "a tensor of shape " + Arrays.toString(t.array().shape()) + " (another object)"
        : s.o.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(s.o));
    if (leaf instanceof Contents c) return c.text();
    if (leaf instanceof Size s) return s.n + " elements";
    if (leaf instanceof Kind k) return "a " + k.c.getSimpleName();
    if (leaf == NULL) return "null";
    return String.valueOf(leaf);
  }

  /** Compares by identity (tensor objects, large arrays). */
  private record Same(Object o) {
    @Override public boolean equals(Object x) { return x instanceof Same s && s.o == o; }
    @Override public int hashCode() { return System.identityHashCode(o); }
  }
  private record Contents(String text) {}
  private record Size(int n) {}
  private record Kind(Class<?> c) {}
  private record Back(int index) {}
  private static final Object NULL = new Object() { @Override public String toString() { return "null"; } };

  private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
    @Override protected Field[] computeValue(Class<?> c) {
      List<Field> out = new ArrayList<>();
      for (Class<?> k = c; k != null && !isJdk(k); k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          int m = f.getModifiers();
          if (Modifier.isStatic(m)) continue;
          if (Modifier.isFinal(m) && (f.getType().isPrimitive() || f.getType() == String.class)) continue;
          if (trySetAccessible(f)) out.add(f);
        }
      }
      return out.toArray(new Field[0]);
    }
  };

  private static final ClassValue<Field[]> STATICS = new ClassValue<>() {
    @Override protected Field[] computeValue(Class<?> c) {
      List<Field> out = new ArrayList<>();
      if (isJdk(c) || OWN.get(c)) return new Field[0];
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) && !Modifier.isFinal(m) && trySetAccessible(f)) out.add(f);
      }
      return out.toArray(new Field[0]);
    }
  };

  private static boolean trySetAccessible(Field f) {
    try { return f.trySetAccessible(); } catch (RuntimeException e) { return false; }
  }

  private static boolean isJdk(Class<?> c) {
    String n = c.getName();
    return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.") || n.startsWith("com.sun.");
  }

  /** tcompile's own stateful objects (optimisers, loaders, compiled functions) are not part of what a trace reads. */
  private static boolean internal(Class<?> c) {
    return OWN.get(c) && !Module.class.isAssignableFrom(c) && !c.isHidden();
  }

  /** Classes loaded from tcompile's own jar (or classes folder), as opposed to the user's. */
  private static final ClassValue<Boolean> OWN = new ClassValue<>() {
    @Override protected Boolean computeValue(Class<?> c) {
      if (!c.getName().startsWith("dev.tcompile.")) return false;
      return java.util.Objects.equals(codeSource(c), codeSource(Tensor.class));
    }
  };

  private static Object codeSource(Class<?> c) {
    var cs = c.getProtectionDomain().getCodeSource();
    return cs == null ? null : cs.getLocation();
  }

  private static final class Walker {
    final List<Object> leaves = new ArrayList<>();
    final List<Tensor> tensors = new ArrayList<>();
    final List<String> paths;
    final Map<Object, Integer> seen = new IdentityHashMap<>();
    String path = "";
    boolean truncated;

    Walker(boolean withPaths) { paths = withPaths ? new ArrayList<>() : null; }

    void root(Object fn) {
      try {
        Class<?> c = fn.getClass();
        fields(fn, c, 0);
        if (c.isHidden()) {
          Class<?> host = c.getNestHost();
          for (Field f : STATICS.get(host)) at(host.getSimpleName() + "." + f.getName(), f.get(null), 1, true);
        }
      } catch (IllegalAccessException | RuntimeException e) {
        // State that cannot be read consistently (a collection changed under the walk): never equal, so retrace.
        leaf(new Same(new Object()));
      }
    }

    private void leaf(Object v) {
      if (leaves.size() >= MAX_LEAVES) { truncated = true; return; }
      leaves.add(v);
      if (paths != null) paths.add(path.isEmpty() ? "the function" : path);
    }

    private void fields(Object o, Class<?> c, int depth) throws IllegalAccessException {
      for (Field f : FIELDS.get(c)) {
        String name = c.isHidden() ? "captured " + f.getType().getSimpleName() : f.getDeclaringClass().getSimpleName() + "." + f.getName();
        at(name, f.get(o), depth + 1, false);
      }
    }

    /** Visits {@code v} under path element {@code name} ({@code absolute}: a path of its own, not a child). */
    private void at(String name, Object v, int depth, boolean absolute) throws IllegalAccessException {
      String prev = path;
      if (paths != null) path = absolute || path.isEmpty() ? name : path + " > " + name;
      try { visit(v, depth); } finally { path = prev; }
    }

    private void visit(Object o, int depth) throws IllegalAccessException {
      if (truncated) return;
      if (o == null) { leaf(NULL); return; }
      if (o instanceof Tensor t) { leaf(new Same(t)); tensors.add(t); return; }
      if (o instanceof Number || o instanceof String || o instanceof Boolean || o instanceof Character || o instanceof Enum<?>) {
        leaf(o.getClass().getName().startsWith("java.util.concurrent.atomic.") ? o.getClass().getSimpleName() + " " + o : o);
        return;
      }
      if (depth > MAX_DEPTH) return;
      Integer before = seen.get(o);
      if (before != null) { leaf(new Back(before)); return; }
      seen.put(o, seen.size());
      Class<?> c = o.getClass();
      if (c.isArray()) { array(o, c, depth); return; }
      if (o instanceof AtomicReference<?> r) { at("get()", r.get(), depth + 1, false); return; }
      if (isJdk(c)) {
        if (o instanceof Map<?, ?> m) {
          leaf(new Size(m.size()));
          for (Map.Entry<?, ?> e : m.entrySet()) at("[" + e.getKey() + "]", e.getValue(), depth + 1, false);
        } else if (o instanceof Collection<?> col) {
          leaf(new Size(col.size()));
          int i = 0;
          for (Object e : col) at("[" + i++ + "]", e, depth + 1, false);
        }
        return;
      }
      if (internal(c)) return;
      leaf(new Kind(c));
      fields(o, c, depth);
    }

    private void array(Object o, Class<?> c, int depth) throws IllegalAccessException {
      int n = java.lang.reflect.Array.getLength(o);
      if (!c.getComponentType().isPrimitive()) {
        leaf(new Size(n));
        Object[] a = (Object[]) o;
        for (int i = 0; i < n; i++) at("[" + i + "]", a[i], depth + 1, false);
      } else if (n <= ARRAY_CONTENTS) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append(java.lang.reflect.Array.get(o, i));
        leaf(new Contents(sb.append(']').toString()));
      } else {
        leaf(new Same(o));
      }
    }
  }
}
