package dev.tcompile;

import dev.tcompile.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * What a compiled graph is specialised on (the guards): each argument's dtype and shape and requires-grad flag,
 * which arguments are the same tensor object, grad mode, and an extra key (a module's training flag). Equal
 * signatures share one compiled entry. The trace of {@code f(x, x)} reads one input for both arguments, so it
 * must not serve {@code f(x, y)}.
 */
record Signature(List<TensorType> types, List<Boolean> requiresGrad, List<Integer> sameAs, boolean gradMode, Object extra) {
  static Signature of(Tensor[] args, Object extra) {
    List<TensorType> t = new ArrayList<>(args.length);
    List<Boolean> r = new ArrayList<>(args.length);
    List<Integer> same = new ArrayList<>(args.length);
    for (int i = 0; i < args.length; i++) {
      Tensor a = args[i];
      if (a == null) throw new TorchException("a compiled function's arguments must be tensors, not null");
      t.add(a.type());
      r.add(a.requiresGrad());
      int first = -1;
      for (int j = 0; j < i && first < 0; j++) if (args[j] == a) first = j;
      same.add(first);
    }
    return new Signature(List.copyOf(t), List.copyOf(r), List.copyOf(same), GradMode.isEnabled(), extra);
  }

  /** Why {@code this} (a new call) does not match {@code old}: the "why did it recompile?" line. */
  String differenceFrom(Signature old) {
    if (types.size() != old.types.size()) return "the number of arguments changed from " + old.types.size() + " to " + types.size();
    for (int i = 0; i < types.size(); i++) {
      if (!types.get(i).equals(old.types.get(i))) return "argument " + i + " changed from " + old.types.get(i) + " to " + types.get(i);
      if (!requiresGrad.get(i).equals(old.requiresGrad.get(i)))
        return "argument " + i + " changed requires_grad from " + old.requiresGrad.get(i) + " to " + requiresGrad.get(i);
      if (!sameAs.get(i).equals(old.sameAs.get(i)))
        return sameAs.get(i) >= 0 ? "argument " + i + " is now the same tensor as argument " + sameAs.get(i)
            : "argument " + i + " is no longer the same tensor as argument " + old.sameAs.get(i);
    }
    if (gradMode != old.gradMode) return "grad mode changed from " + old.gradMode + " to " + gradMode;
    if (!java.util.Objects.equals(extra, old.extra)) return "the mode changed from " + old.extra + " to " + extra;
    return "it is new";
  }
}
