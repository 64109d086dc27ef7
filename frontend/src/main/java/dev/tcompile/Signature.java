package dev.tcompile;

import dev.tcompile.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * What a compiled graph is specialised on (the guards): each argument's dtype and shape and requires-grad flag,
 * how arguments alias each other and the tensors the function captures, grad mode, and an extra key (the
 * modules' training flags). Equal signatures share one compiled entry.
 */
record Signature(List<TensorType> types, List<Boolean> requiresGrad, List<String> aliases, boolean gradMode, Object extra) {
  /**
   * {@code captured}: the tensors the function can reach on the host. A trace cannot tell an argument from a
   * captured tensor that is the same object, nor see writes through shared storage it did not trace, so which
   * argument is (a view of) which other argument or captured tensor is part of the key.
   */
  static Signature of(Tensor[] args, Object extra, List<Tensor> captured) {
    List<TensorType> t = new ArrayList<>(args.length);
    List<Boolean> r = new ArrayList<>(args.length);
    List<String> a = new ArrayList<>(args.length);
    for (int i = 0; i < args.length; i++) {
      Tensor x = args[i];
      if (x == null) throw new TorchException("a compiled function's arguments must be tensors, not null");
      t.add(x.type());
      r.add(x.requiresGrad());
      a.add(aliasOf(x, List.of(args).subList(0, i), "argument ", captured));
    }
    return new Signature(List.copyOf(t), List.copyOf(r), List.copyOf(a), GradMode.isEnabled(), extra);
  }

  private static String aliasOf(Tensor x, List<Tensor> earlier, String what, List<Tensor> captured) {
    String s = aliasIn(x, earlier, what);
    return s != null ? s : java.util.Objects.requireNonNullElse(aliasIn(x, captured, "captured tensor "), "");
  }

  private static String aliasIn(Tensor x, List<Tensor> others, String what) {
    for (int j = 0; j < others.size(); j++) if (others.get(j) == x) return what + j;
    for (int j = 0; j < others.size(); j++) if (others.get(j).array().sharesStorage(x.array())) return "a view of " + what + j;
    return null;
  }

  /** Why {@code this} (a new call) does not match {@code old}: the "why did it recompile?" line. */
  String differenceFrom(Signature old) {
    if (types.size() != old.types.size()) return "the number of arguments changed from " + old.types.size() + " to " + types.size();
    for (int i = 0; i < types.size(); i++) {
      if (!types.get(i).equals(old.types.get(i))) return "argument " + i + " changed from " + old.types.get(i) + " to " + types.get(i);
      if (!requiresGrad.get(i).equals(old.requiresGrad.get(i)))
        return "argument " + i + " changed requires_grad from " + old.requiresGrad.get(i) + " to " + requiresGrad.get(i);
      if (!aliases.get(i).equals(old.aliases.get(i)))
        return "argument " + i + " changed from " + alias(old.aliases.get(i)) + " to " + alias(aliases.get(i));
    }
    if (gradMode != old.gradMode) return "grad mode changed from " + old.gradMode + " to " + gradMode;
    if (!java.util.Objects.equals(extra, old.extra)) return "the mode changed from " + old.extra + " to " + extra;
    return "it is new";
  }

  private static String alias(String a) { return a.isEmpty() ? "its own tensor" : a; }
}
