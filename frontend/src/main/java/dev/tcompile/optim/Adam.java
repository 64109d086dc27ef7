package dev.tcompile.optim;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)}, as
 * PyTorch 1.13's single-tensor loop: moments {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)} (v's running maximum with amsgrad).
 * Weight decay adds {@code wd * p} to the gradient; {@link AdamW} decays the parameter instead.
 */
public class Adam extends Optimizer {
  public Adam(Iterable<? extends Tensor> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0, false); }

  public Adam(Iterable<? extends Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
    this(single(params), lr, beta1, beta2, eps, weightDecay, amsgrad);
  }

  public Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
    this(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
  }

  /** AdamW passes {@code decoupled}: its PyTorch 1.13 groups have no {@code differentiable} and {@code fused} options. */
  Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean decoupled) {
    super(groups, decoupled
        ? options("lr", lr, "betas", List.of(beta1, beta2), "eps", eps, "weight_decay", intDefault(weightDecay), "amsgrad", amsgrad,
            "foreach", null, "maximize", false, "capturable", false)
        : options("lr", lr, "betas", List.of(beta1, beta2), "eps", eps, "weight_decay", intDefault(weightDecay), "amsgrad", amsgrad,
            "foreach", null, "maximize", false, "capturable", false, "differentiable", false, "fused", false));
    if (lr < 0) throw new TorchException("Invalid learning rate: " + lr);
    if (eps < 0) throw new TorchException("Invalid epsilon value: " + eps);
    if (beta1 < 0 || beta1 >= 1) throw new TorchException("Invalid beta parameter at index 0: " + beta1);
    if (beta2 < 0 || beta2 >= 1) throw new TorchException("Invalid beta parameter at index 1: " + beta2);
    if (weightDecay < 0) throw new TorchException("Invalid weight_decay value: " + weightDecay);
  }

  /** Whether weight decay is decoupled from the gradient (AdamW). */
  boolean decoupled() { return false; }

  @Override protected void update(Tensor p, Tensor g, Map<String, Tensor> state, ParamGroup group) {
    double lr = group.lr(), eps = group.getDouble("eps"), wd = group.getDouble("weight_decay");
    List<?> betas = (List<?>) group.options().get("betas");
    double beta1 = ((Number) betas.get(0)).doubleValue(), beta2 = ((Number) betas.get(1)).doubleValue();
    boolean amsgrad = group.getBool("amsgrad");
    double step = incrementStep(state);
    Tensor m = state.computeIfAbsent("exp_avg", k -> Torch.zerosLike(p));
    Tensor v = state.computeIfAbsent("exp_avg_sq", k -> Torch.zerosLike(p));
    if (amsgrad) state.computeIfAbsent("max_exp_avg_sq", k -> Torch.zerosLike(p));
    if (decoupled()) p.mul_(1 - lr * wd);
    else if (wd != 0) g = g.add(p.mul(wd));
    m.mul_(beta1).add_(g.mul(1 - beta1));
    v.mul_(beta2).add_(g.mul(1 - beta2).mul(g));
    double biasCorrection1 = 1 - Math.pow(beta1, step), biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    double stepSize = lr / biasCorrection1;
    Tensor second = v;
    if (amsgrad) {
      Tensor max = state.get("max_exp_avg_sq");
      max.copy_(max.maximum(v));
      second = max;
    }
    Tensor denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
    p.add_(m.mul(-stepSize).div(denom));
  }
}
