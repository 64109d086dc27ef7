package dev.tcompile.optim;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code torch.optim.Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False)}, as PyTorch
 * 1.13's single-tensor loop: {@code v = rho v + (1 - rho) g^2}, {@code delta = sqrt(u + eps) / sqrt(v + eps) * g},
 * {@code u = rho u + (1 - rho) delta^2}, {@code p -= lr * delta}. State: {@code step} (PyTorch keeps a Python int;
 * here an int64 0-d tensor), {@code square_avg}, {@code acc_delta}.
 */
public class Adadelta extends Optimizer {
  public Adadelta(Iterable<? extends Tensor> params) { this(params, 1.0, 0.9, 1e-6, 0); }

  public Adadelta(Iterable<? extends Tensor> params, double lr) { this(params, lr, 0.9, 1e-6, 0); }

  public Adadelta(Iterable<? extends Tensor> params, double lr, double rho, double eps, double weightDecay) {
    this(single(params), lr, rho, eps, weightDecay, false);
  }

  public Adadelta(List<ParamGroup> groups, double lr, double rho, double eps, double weightDecay, boolean maximize) {
    super(groups, options("lr", lr, "rho", rho, "eps", eps, "weight_decay", intDefault(weightDecay), "maximize", maximize, "foreach", null));
    if (!(lr >= 0)) throw new TorchException("Invalid learning rate: " + dev.tcompile.nn.PyRepr.of(lr));
    if (!(rho >= 0 && rho <= 1)) throw new TorchException("Invalid rho value: " + dev.tcompile.nn.PyRepr.of(rho));
    if (!(eps >= 0)) throw new TorchException("Invalid epsilon value: " + dev.tcompile.nn.PyRepr.of(eps));
    if (!(weightDecay >= 0)) throw new TorchException("Invalid weight_decay value: " + dev.tcompile.nn.PyRepr.of(weightDecay));
  }

  @Override protected Set<String> supportedFlags() { return Set.of("maximize"); }

  @Override protected void update(Tensor p, Tensor grad, Map<String, Tensor> state, ParamGroup group) {
    double lr = group.lr(), rho = group.getDouble("rho"), eps = group.getDouble("eps"), wd = group.getDouble("weight_decay");
    if (state.isEmpty()) {
      state.put("step", Torch.full(0, DType.INT64));
      state.put("square_avg", Torch.zerosLike(p));
      state.put("acc_delta", Torch.zerosLike(p));
    }
    Tensor squareAvg = state.get("square_avg"), accDelta = state.get("acc_delta");
    state.get("step").add_(1L);
    if (group.getBool("maximize")) grad = grad.neg();
    if (wd != 0) grad = grad.add(p, wd);
    squareAvg.mul_(rho).addcmul_(grad, grad, 1 - rho);
    Tensor std = squareAvg.add(eps).sqrt_();
    Tensor delta = accDelta.add(eps).sqrt_().div_(std).mul_(grad);
    accDelta.mul_(rho).addcmul_(delta, delta, 1 - rho);
    p.add_(delta, -lr);
  }
}
