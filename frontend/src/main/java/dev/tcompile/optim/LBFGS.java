package dev.tcompile.optim;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code torch.optim.LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
 * history_size=100, line_search_fn=None)}, ported line by line from PyTorch 1.13 (lbfgs.py), including the
 * {@code "strong_wolfe"} line search. {@link #step(Supplier)} takes the closure that recomputes the loss and
 * its gradients; scalars keep PyTorch's types (a Python float or a float32 0-d tensor, see {@link PyScalar}).
 *
 * <p>The per-parameter state of the first parameter holds, as in PyTorch, {@code func_evals} and {@code n_iter}
 * (int64 0-d tensors here, Python ints there) and the tensors {@code d}, {@code prev_flat_grad}; the history
 * ({@code old_dirs}, {@code old_stps}, {@code ro}, {@code al}), {@code t}, {@code H_diag} and {@code prev_loss}
 * live in this object, so a state dict of an LBFGS is not loadable ({@link #loadStateDict} refuses it).
 */
public class LBFGS extends Optimizer {
  private final List<Tensor> params;
  // PyTorch's state entries that are not tensors (kept across steps)
  private Tensor d, prevFlatGrad;
  private PyScalar t, hDiag;
  private Double prevLoss;
  private List<Tensor> oldDirs, oldStps;
  private List<PyScalar> ro;
  private PyScalar[] al;
  private long funcEvals, nIterTotal;

  public LBFGS(Iterable<? extends Tensor> params) { this(params, 1, 20, null, 1e-7, 1e-9, 100, null); }

  public LBFGS(Iterable<? extends Tensor> params, double lr) { this(params, lr, 20, null, 1e-7, 1e-9, 100, null); }

  /** {@code maxEval} null means {@code maxIter * 5 / 4}; {@code lineSearchFn} null or {@code "strong_wolfe"}. */
  public LBFGS(Iterable<? extends Tensor> params, double lr, int maxIter, Integer maxEval, double toleranceGrad, double toleranceChange,
               int historySize, String lineSearchFn) {
    super(single(params), options("lr", intDefault(lr), "max_iter", maxIter, "max_eval", maxEval == null ? maxIter * 5 / 4 : maxEval,
        "tolerance_grad", toleranceGrad, "tolerance_change", toleranceChange, "history_size", historySize, "line_search_fn", lineSearchFn));
    this.params = paramGroups().get(0).params();
    // its scalars (PyScalar) follow the parameters' dtype: float32 or float64 tensors, one dtype for all of them
    for (Tensor p : this.params)
      if (p.dtype() != DType.FLOAT32 && p.dtype() != DType.FLOAT64 || p.dtype() != this.params.get(0).dtype())
        throw new TorchException("LBFGS: tcompile's LBFGS needs float32 or float64 parameters, all of one dtype; got "
            + this.params.stream().map(t -> t.dtype().toString()).distinct().toList());
  }

  @Override public synchronized void addParamGroup(ParamGroup g) {
    if (!paramGroups().isEmpty()) throw new TorchException("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(g);
  }

  @Override public synchronized void step() {
    throw new TorchException("step() missing 1 required positional argument: 'closure'");
  }

  @Override protected void update(Tensor param, Tensor grad, Map<String, Tensor> state, ParamGroup group) {
    throw new IllegalStateException("LBFGS steps through step(closure)");
  }

  @Override public synchronized void loadStateDict(StateDict sd) {
    throw new TorchException("loading an LBFGS state dict is not supported by tcompile: its history is not in the state dict");
  }

  private Tensor gatherFlatGrad() {
    List<Tensor> views = new ArrayList<>();
    for (Tensor p : params) views.add(p.grad() == null ? Torch.zeros(p.dtype(), (int) p.numel()) : p.grad().reshape(-1));
    return Torch.cat(views, 0);
  }

  private void addGrad(PyScalar stepSize, Tensor update) {
    int offset = 0;
    for (Tensor p : params) {
      int n = (int) p.numel();
      p.add_(update.narrow(0, offset, n).viewAs(p), stepSize.value());
      offset += n;
    }
  }

  private List<Tensor> cloneParams() {
    List<Tensor> xs = new ArrayList<>();
    for (Tensor p : params) xs.add(p.clone());
    return xs;
  }

  private void setParams(List<Tensor> xs) {
    for (int i = 0; i < params.size(); i++) params.get(i).copy_(xs.get(i));
  }

  private static double callClosure(Supplier<Tensor> closure) {
    try (var g = Torch.enableGrad()) {
      return closure.get().itemDouble();
    }
  }

  /** Result of one objective evaluation along the search direction. */
  private record Eval(double loss, Tensor flatGrad) {}

  private Eval directionalEvaluate(Supplier<Tensor> closure, List<Tensor> x, PyScalar step, Tensor dir) {
    addGrad(step, dir);
    double loss = callClosure(closure);
    Tensor flatGrad = gatherFlatGrad();
    setParams(x);
    return new Eval(loss, flatGrad);
  }

  private static PyScalar dot(Tensor a, Tensor b) { return PyScalar.dot(a, b); }

  private static PyScalar absMax(Tensor a) { return PyScalar.of(a.abs().max()); }

  /** One optimisation step: up to {@code max_iter} L-BFGS iterations; returns the closure's first loss. */
  public synchronized Tensor step(Supplier<Tensor> closure) {
    if (closure == null) throw new TorchException("LBFGS requires a closure");
    ParamGroup group = paramGroups().get(0);
    double lr = group.lr(), tolGrad = group.getDouble("tolerance_grad"), tolChange = group.getDouble("tolerance_change");
    int maxIter = (int) group.getDouble("max_iter"), maxEval = (int) group.getDouble("max_eval");
    int historySize = (int) group.getDouble("history_size");
    Object lineSearch = group.options().get("line_search_fn");
    Map<String, Tensor> state = state(params.get(0));

    Tensor origLoss;
    try (var g = Torch.enableGrad()) {
      origLoss = closure.get();
    }
    try (var guard = Torch.noGrad()) {
      double loss = origLoss.itemDouble();
      int currentEvals = 1;
      funcEvals++;
      saveCounters(state);
      Tensor flatGrad = gatherFlatGrad();
      boolean optCond = absMax(flatGrad).le(tolGrad);
      if (optCond) return origLoss;

      int nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        long totalIter = ++nIterTotal;
        if (totalIter == 1) {
          d = flatGrad.neg();
          oldDirs = new ArrayList<>();
          oldStps = new ArrayList<>();
          ro = new ArrayList<>();
          hDiag = PyScalar.of(1);
        } else {
          Tensor y = flatGrad.sub(prevFlatGrad);
          Tensor s = d.mul(t.value());
          PyScalar ys = dot(y, s);
          if (ys.gt(1e-10)) {
            if (oldDirs.size() == historySize) {
              oldDirs.remove(0);
              oldStps.remove(0);
              ro.remove(0);
            }
            oldDirs.add(y);
            oldStps.add(s);
            ro.add(ys.rdiv(1.0));
            hDiag = ys.div(dot(y, y));
          }
          int numOld = oldDirs.size();
          if (al == null) al = new PyScalar[historySize];
          Tensor q = flatGrad.neg();
          for (int i = numOld - 1; i >= 0; i--) {
            al[i] = dot(oldStps.get(i), q).mul(ro.get(i));
            q.add_(oldDirs.get(i), al[i].neg().value());
          }
          Tensor r = q.mul(hDiag.value());
          d = r;
          for (int i = 0; i < numOld; i++) {
            PyScalar be = dot(oldDirs.get(i), r).mul(ro.get(i));
            r.add_(oldStps.get(i), al[i].sub(be).value());
          }
        }
        if (prevFlatGrad == null) prevFlatGrad = flatGrad.clone();
        else prevFlatGrad.copy_(flatGrad);
        double prevLossNow = loss;
        prevLoss = prevLossNow;

        if (totalIter == 1) t = PyScalar.min(PyScalar.of(1.0), absSum(flatGrad).rdiv(1.0)).mul(lr);
        else t = PyScalar.of(lr);

        PyScalar gtd = dot(flatGrad, d);
        if (gtd.gt(-tolChange)) break;

        int lsFuncEvals = 0;
        if (lineSearch != null) {
          if (!"strong_wolfe".equals(lineSearch)) throw new TorchException("only 'strong_wolfe' is supported");
          List<Tensor> xInit = cloneParams();
          StrongWolfe.Result res = new StrongWolfe((x, step, dir) -> {
            Eval e = directionalEvaluate(closure, x, step, dir);
            return new StrongWolfe.Point(e.loss(), e.flatGrad());
          }).search(xInit, t, d, loss, flatGrad, gtd, 1e-4, 0.9, tolChange, 25);
          loss = res.loss();
          flatGrad = res.flatGrad();
          t = res.t();
          lsFuncEvals = res.funcEvals();
          addGrad(t, d);
          optCond = absMax(flatGrad).le(tolGrad);
        } else {
          addGrad(t, d);
          if (nIter != maxIter) {
            loss = callClosure(closure);
            flatGrad = gatherFlatGrad();
            optCond = absMax(flatGrad).le(tolGrad);
            lsFuncEvals = 1;
          }
        }
        currentEvals += lsFuncEvals;
        funcEvals += lsFuncEvals;

        if (nIter == maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        if (absMax(d.mul(t.value())).le(tolChange)) break;
        if (Math.abs(loss - prevLossNow) < tolChange) break;
      }
      saveCounters(state);
      state.put("d", d);
      if (prevFlatGrad != null) state.put("prev_flat_grad", prevFlatGrad);
      return origLoss;
    }
  }

  private void saveCounters(Map<String, Tensor> state) {
    state.put("func_evals", Torch.full(funcEvals, DType.INT64));
    state.put("n_iter", Torch.full(nIterTotal, DType.INT64));
  }

  private static PyScalar absSum(Tensor a) { return PyScalar.of(a.abs().sum()); }
}
