package dev.tcompile.optim;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)}:
 * {@code s = alpha s + (1 - alpha) g^2}; {@code avg = sqrt(s - gavg^2)} when centered (else {@code sqrt(s)}),
 * plus eps; {@code p -= lr * g / avg}, or through a momentum buffer {@code buf = momentum buf + g / avg}.
 */
public class RMSprop extends Optimizer {
  public RMSprop(Iterable<? extends Tensor> params, double lr) { this(params, lr, 0.99, 1e-8, 0, 0, false); }

  public RMSprop(Iterable<? extends Tensor> params, double lr, double alpha, double eps, double weightDecay, double momentum,
                 boolean centered) {
    this(single(params), lr, alpha, eps, weightDecay, momentum, centered);
  }

  public RMSprop(List<ParamGroup> groups, double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
    super(groups, options("lr", lr, "momentum", intDefault(momentum), "alpha", alpha, "eps", eps, "centered", centered,
        "weight_decay", intDefault(weightDecay), "foreach", null, "maximize", false, "differentiable", false));
    if (lr < 0) throw new TorchException("Invalid learning rate: " + lr);
    if (eps < 0) throw new TorchException("Invalid epsilon value: " + eps);
    if (momentum < 0) throw new TorchException("Invalid momentum value: " + momentum);
    if (weightDecay < 0) throw new TorchException("Invalid weight_decay value: " + weightDecay);
    if (alpha < 0) throw new TorchException("Invalid alpha value: " + alpha);
  }

  @Override protected void update(Tensor p, Tensor g, Map<String, Tensor> state, ParamGroup group) {
    double lr = group.lr(), alpha = group.getDouble("alpha"), eps = group.getDouble("eps"), wd = group.getDouble("weight_decay");
    double momentum = group.getDouble("momentum");
    boolean centered = group.getBool("centered");
    incrementStep(state);
    Tensor sq = state.computeIfAbsent("square_avg", k -> Torch.zerosLike(p));
    if (momentum > 0) state.computeIfAbsent("momentum_buffer", k -> Torch.zerosLike(p));
    if (centered) state.computeIfAbsent("grad_avg", k -> Torch.zerosLike(p));
    if (wd != 0) g = g.add(p.mul(wd));
    sq.mul_(alpha).add_(g.mul(1 - alpha).mul(g));
    Tensor avg;
    if (centered) {
      Tensor gavg = state.get("grad_avg");
      gavg.mul_(alpha).add_(g.mul(1 - alpha));
      avg = sq.add(gavg.mul(-1.0).mul(gavg)).sqrt();
    } else {
      avg = sq.sqrt();
    }
    avg = avg.add_(eps);
    if (momentum > 0) {
      Tensor buf = state.get("momentum_buffer");
      buf.mul_(momentum).add_(g.div(avg));
      p.add_(buf.mul(-lr));
    } else {
      p.add_(g.mul(-lr).div(avg));
    }
  }
}
