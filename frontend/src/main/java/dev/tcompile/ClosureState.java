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
    Walker w = new Walker(false, null);
    w.root(fn);
    return new ClosureState(w.leaves, w.tensors, w.truncated);
  }

  /**
   * The state reachable from {@code fn} now: {@code then} itself when nothing changed (checked by walking and
   * comparing in place, allocating nothing on the usual path: this runs before every call), else a fresh walk.
   */
  static ClosureState current(Object fn, ClosureState then) {
    if (then == null || then.truncated) return of(fn);
    Walker w = COMPARING.get();
    w.compareWith(then);
    w.root(fn);
    boolean same = !w.differs && w.cursor == then.leaves.size();
    w.compareWith(null);
    return same ? then : of(fn);
  }

  /** The tensors the function can reach, in walk order (for argument-aliasing keys). */
  List<Tensor> tensors() { return tensors; }

  boolean truncated() { return truncated; }

  /** Null when {@code this} (now) matches {@code then} (when traced); else which value changed, and how. */
  String changedSince(ClosureState then, Object fn) {
    if (this == then || leaves.equals(then.leaves)) return null;
    int i = 0;
    while (i < leaves.size() && i < then.leaves.size() && Objects.equals(leaves.get(i), then.leaves.get(i))) i++;
    Walker w = new Walker(true, null);
    w.root(fn);
    String where = i < w.paths.size() ? w.paths.get(i) : "the function's captured state";
    String was = i < then.leaves.size() ? show(then.leaves.get(i)) : "absent";
    String now = i < leaves.size() ? show(leaves.get(i)) : "absent";
    return where + " changed from " + was + " to " + now;
  }

  private static String show(Object leaf) {
    if (leaf instanceof Same s) return s.o instanceof Tensor t ? "a tensor of shape " + Arrays.toString(t.array().shape()) + " (another object)"
        : s.o.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(s.o));
    if (leaf instanceof Contents c) return contentsText(c.array());
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
  /** A copy of a small primitive array (compared element by element, as {@code Arrays.equals} does). */
  private record Contents(Object array) {
    @Override public boolean equals(Object x) { return x instanceof Contents c && Objects.deepEquals(c.array, array); }
    @Override public int hashCode() { return java.lang.reflect.Array.getLength(array); }
  }

  private static String contentsText(Object array) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0, n = java.lang.reflect.Array.getLength(array); i < n; i++) sb.append(i == 0 ? "" : ", ").append(java.lang.reflect.Array.get(array, i));
    return sb.append(']').toString();
  }
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

  /** Ends a comparing walk at the first difference (preallocated: the usual path allocates nothing). */
  private static final RuntimeException DIFFERS = new RuntimeException("differs", null, false, false) {};

  /**
   * Walks the state: recording its leaves (and, with paths, where each is), or — given {@code expect} — comparing
   * each leaf with the recorded one in place and stopping at the first difference.
   */
  private static final class Walker {
    final List<Object> leaves;
    final List<Tensor> tensors;
    final List<String> paths;
    final Map<Object, Integer> seen;
    ClosureState expect;
    /** Comparing: the next recorded leaf, whether one differed, and the objects entered in order (for back references). */
    int cursor;
    boolean differs;
    private Object[] entered;
    private int enteredCount;
    /** The depth of, and the index within, the map or collection being walked (saved and restored around nesting). */
    private int elementDepth, elementIndex;
    private final java.util.function.BiConsumer<Object, Object> entryVisitor = (k, v) -> {
      try {
        at(Walker.this.paths == null ? null : "[" + k + "]", v, elementDepth, false);
      } catch (IllegalAccessException x) {
        throw new Unreadable(x);
      }
    };
    private final java.util.function.Consumer<Object> elementVisitor = e -> {
      try {
        at(Walker.this.paths == null ? null : "[" + elementIndex++ + "]", e, elementDepth, false);
      } catch (IllegalAccessException x) {
        throw new Unreadable(x);
      }
    };

    /** Carries a field read's IllegalAccessException out of a forEach visitor. */
    private static final class Unreadable extends RuntimeException {
      Unreadable(IllegalAccessException cause) { super(cause); }
    }
    String path = "";
    boolean truncated;

    Walker(boolean withPaths, ClosureState expect) {
      boolean record = expect == null;
      paths = withPaths ? new ArrayList<>() : null;
      leaves = record ? new ArrayList<>() : null;
      tensors = record ? new ArrayList<>() : null;
      seen = record ? new IdentityHashMap<>() : null;
      entered = record ? null : new Object[64];
      this.expect = expect;
    }

    /** A comparing walker (reused per thread) set to compare with {@code then}, or cleared (null). */
    void compareWith(ClosureState then) {
      Arrays.fill(entered, 0, enteredCount, null);
      expect = then;
      cursor = 0;
      enteredCount = 0;
      differs = false;
    }

    void root(Object fn) {
      try {
        Class<?> c = fn.getClass();
        fields(fn, c, 0);
        if (c.isHidden()) {
          Class<?> host = c.getNestHost();
          for (Field f : STATICS.get(host)) at(paths == null ? null : host.getSimpleName() + "." + f.getName(), f, null, 1, true);
        }
      } catch (IllegalAccessException | RuntimeException e) {
        if (e == DIFFERS) { differs = true; return; }
        // State that cannot be read consistently (a collection changed under the walk): never equal, so retrace.
        if (expect != null) { differs = true; return; }
        leaf(new Same(new Object()));
      }
    }

    /** The recorded leaf to compare the next one with; a difference when there is none. */
    private Object next() {
      if (cursor >= expect.leaves.size()) throw DIFFERS;
      return expect.leaves.get(cursor++);
    }

    private void same(boolean equal) { if (!equal) throw DIFFERS; }

    private void leaf(Object v) {
      if (expect != null) { same(Objects.equals(next(), v)); return; }
      if (leaves.size() >= MAX_LEAVES) { truncated = true; return; }
      leaves.add(v);
      if (paths != null) paths.add(path.isEmpty() ? "the function" : path);
    }

    private void fields(Object o, Class<?> c, int depth) throws IllegalAccessException {
      for (Field f : FIELDS.get(c)) {
        String name = paths == null ? null : c.isHidden() ? "captured " + f.getType().getSimpleName() : f.getDeclaringClass().getSimpleName() + "." + f.getName();
        at(name, f, o, depth + 1, false);
      }
    }

    /** Visits field {@code f} of {@code o} (null: a static field); comparing, primitives are read without boxing. */
    private void at(String name, Field f, Object o, int depth, boolean absolute) throws IllegalAccessException {
      Class<?> t = f.getType();
      if (expect != null && t.isPrimitive()) {
        Object e = next();
        same(switch (e) {
          case Float v when t == float.class -> Float.floatToIntBits(v) == Float.floatToIntBits(f.getFloat(o));
          case Double v when t == double.class -> Double.doubleToLongBits(v) == Double.doubleToLongBits(f.getDouble(o));
          case Integer v when t == int.class -> v == f.getInt(o);
          case Long v when t == long.class -> v == f.getLong(o);
          case Boolean v when t == boolean.class -> v == f.getBoolean(o);
          case Short v when t == short.class -> v == f.getShort(o);
          case Byte v when t == byte.class -> v == f.getByte(o);
          case Character v when t == char.class -> v == f.getChar(o);
          default -> false;
        });
        return;
      }
      at(name, f.get(o), depth, absolute);
    }

    /** Visits {@code v} under path element {@code name} ({@code absolute}: a path of its own, not a child). */
    private void at(String name, Object v, int depth, boolean absolute) throws IllegalAccessException {
      if (paths == null) { visit(v, depth); return; }
      String prev = path;
      path = absolute || path.isEmpty() ? name : path + " > " + name;
      try { visit(v, depth); } finally { path = prev; }
    }

    private void visit(Object o, int depth) throws IllegalAccessException {
      if (truncated) return;
      if (o == null) { leaf(NULL); return; }
      if (o instanceof Tensor t) {
        if (expect != null) { same(next() instanceof Same s && s.o == t); return; }
        leaf(new Same(t));
        tensors.add(t);
        return;
      }
      if (o instanceof Number || o instanceof String || o instanceof Boolean || o instanceof Character || o instanceof Enum<?>) {
        leaf(o.getClass().getName().startsWith("java.util.concurrent.atomic.") ? o.getClass().getSimpleName() + " " + o : o);
        return;
      }
      if (depth > MAX_DEPTH) return;
      if (expect != null) {
        if (!enter(o)) return;
      } else {
        Integer before = seen.get(o);
        if (before != null) { leaf(new Back(before)); return; }
        seen.put(o, seen.size());
      }
      Class<?> c = o.getClass();
      if (c.isArray()) { array(o, c, depth); return; }
      if (o instanceof AtomicReference<?> r) { at(paths == null ? null : "get()", r.get(), depth + 1, false); return; }
      if (isJdk(c)) {
        // forEach with the walker's own visitors: maps' and lists' forEach allocate no iterator, a step's walk nothing
        int savedDepth = elementDepth, savedIndex = elementIndex;
        elementDepth = depth + 1;
        elementIndex = 0;
        try {
          // (an empty collection is not iterated: a HashSet's forEach makes an iterator even then)
          if (o instanceof Map<?, ?> m) {
            size(m.size());
            if (!m.isEmpty()) m.forEach(entryVisitor);
          } else if (o instanceof Collection<?> col) {
            size(col.size());
            if (!col.isEmpty()) col.forEach(elementVisitor);
          }
        } catch (Unreadable u) {
          throw (IllegalAccessException) u.getCause();
        } finally {
          elementDepth = savedDepth;
          elementIndex = savedIndex;
        }
        return;
      }
      if (internal(c)) return;
      if (expect != null) same(next() instanceof Kind k && k.c == c); else leaf(new Kind(c));
      fields(o, c, depth);
    }

    /**
     * Comparing: whether to walk into {@code o} — false when the recording has a back reference here (then it must
     * be the same object as the one entered then). Objects are numbered in the order they are entered, as recorded.
     */
    private boolean enter(Object o) {
      if (cursor < expect.leaves.size() && expect.leaves.get(cursor) instanceof Back b) {
        cursor++;
        same(b.index < enteredCount && entered[b.index] == o);
        return false;
      }
      if (enteredCount == entered.length) entered = Arrays.copyOf(entered, entered.length * 2);
      entered[enteredCount++] = o;
      return true;
    }

    private void size(int n) {
      if (expect != null) same(next() instanceof Size s && s.n == n); else leaf(new Size(n));
    }

    private void array(Object o, Class<?> c, int depth) throws IllegalAccessException {
      int n = java.lang.reflect.Array.getLength(o);
      if (!c.getComponentType().isPrimitive()) {
        size(n);
        Object[] a = (Object[]) o;
        for (int i = 0; i < n; i++) at(paths == null ? null : "[" + i + "]", a[i], depth + 1, false);
      } else if (n <= ARRAY_CONTENTS) {
        if (expect != null) same(next() instanceof Contents k && Objects.deepEquals(k.array, o));
        else leaf(new Contents(copyOf(o)));
      } else if (expect != null) {
        same(next() instanceof Same s && s.o == o);
      } else {
        leaf(new Same(o));
      }
    }

    private static Object copyOf(Object primitiveArray) {
      int n = java.lang.reflect.Array.getLength(primitiveArray);
      Object copy = java.lang.reflect.Array.newInstance(primitiveArray.getClass().getComponentType(), n);
      System.arraycopy(primitiveArray, 0, copy, 0, n);
      return copy;
    }
  }

  /** Per thread, a comparing walker (it holds nothing between walks). */
  private static final ClosureState NOTHING = new ClosureState(List.of(), List.of(), false);
  private static final ThreadLocal<Walker> COMPARING = ThreadLocal.withInitial(() -> new Walker(false, NOTHING));
}
