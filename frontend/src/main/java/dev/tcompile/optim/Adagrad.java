package dev.tcompile.optim;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
 * maximize=False)}, as PyTorch 1.13's single-tensor loop: {@code clr = lr / (1 + (step - 1) lr_decay)},
 * {@code sum += g^2}, {@code p -= clr * g / (sqrt(sum) + eps)}. Like PyTorch, the constructor creates every
 * parameter's state ({@code step}, a float32 0-d tensor, and {@code sum}); a group added later gets its state
 * at its first step (PyTorch would fail there).
 */
public class Adagrad extends Optimizer {
  public Adagrad(Iterable<? extends Tensor> params) { this(params, 1e-2); }

  public Adagrad(Iterable<? extends Tensor> params, double lr) { this(params, lr, 0, 0, 0, 1e-10); }

  public Adagrad(Iterable<? extends Tensor> params, double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps) {
    this(single(params), lr, lrDecay, weightDecay, initialAccumulatorValue, eps, false);
  }

  public Adagrad(List<ParamGroup> groups, double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps,
                 boolean maximize) {
    super(groups, options("lr", lr, "lr_decay", intDefault(lrDecay), "eps", eps, "weight_decay", intDefault(weightDecay),
        "initial_accumulator_value", intDefault(initialAccumulatorValue), "foreach", null, "maximize", maximize));
    if (!(lr >= 0)) throw new TorchException("Invalid learning rate: " + py(lr));
    if (!(lrDecay >= 0)) throw new TorchException("Invalid lr_decay value: " + py(lrDecay));
    if (!(weightDecay >= 0)) throw new TorchException("Invalid weight_decay value: " + py(weightDecay));
    if (!(initialAccumulatorValue >= 0))
      throw new TorchException("Invalid initial_accumulator_value value: " + py(initialAccumulatorValue));
    if (!(eps >= 0)) throw new TorchException("Invalid epsilon value: " + py(eps));
    for (ParamGroup g : paramGroups()) for (Tensor p : g.params()) initState(p, g);
  }

  private static String py(double v) { return dev.tcompile.nn.PyRepr.of(v); }

  private void initState(Tensor p, ParamGroup g) {
    Map<String, Tensor> s = state(p);
    s.put("step", Torch.scalar(0));
    s.put("sum", Torch.fullLike(p, g.getDouble("initial_accumulator_value")));
  }

  @Override protected Set<String> supportedFlags() { return Set.of("maximize"); }

  @Override protected void update(Tensor p, Tensor grad, Map<String, Tensor> state, ParamGroup group) {
    if (state.isEmpty()) initState(p, group);
    double lr = group.lr(), lrDecay = group.getDouble("lr_decay"), wd = group.getDouble("weight_decay"), eps = group.getDouble("eps");
    Tensor step = state.get("step");
    step.add_(1.0);
    double k = step.item();
    if (group.getBool("maximize")) grad = grad.neg();
    if (wd != 0) grad = grad.add(p, wd);
    double clr = lr / (1 + (k - 1) * lrDecay);
    Tensor sum = state.get("sum");
    sum.addcmul_(grad, grad, 1.0);
    Tensor std = sum.sqrt().add_(eps);
    p.addcdiv_(grad, std, -clr);
  }
}
