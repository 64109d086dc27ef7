package dev.tcompile.optim;

import dev.tcompile.Tensor;
import java.util.List;

/**
 * {@code torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)}:
 * Adam with decoupled weight decay, {@code p *= 1 - lr * wd} before the moment update.
 */
public class AdamW extends Adam {
  public AdamW(Iterable<? extends Tensor> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 1e-2, false); }

  public AdamW(Iterable<? extends Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    this(params, lr, beta1, beta2, eps, weightDecay, false);
  }

  public AdamW(Iterable<? extends Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
    super(single(params), lr, beta1, beta2, eps, weightDecay, amsgrad, true);
  }

  public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
    super(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
  }

  @Override boolean decoupled() { return true; }
}
