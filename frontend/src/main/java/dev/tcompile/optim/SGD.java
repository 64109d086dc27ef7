package dev.tcompile.optim;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)}:
 * {@code d = g + wd * p}; with momentum {@code buf = momentum * buf + (1 - dampening) * d} (buf = d at first),
 * {@code d = nesterov ? d + momentum * buf : buf}; then {@code p -= lr * d}.
 */
public class SGD extends Optimizer {
  public SGD(Iterable<? extends Tensor> params, double lr) { this(params, lr, 0, 0, 0, false); }

  public SGD(Iterable<? extends Tensor> params, double lr, double momentum) { this(params, lr, momentum, 0, 0, false); }

  public SGD(Iterable<? extends Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
    this(single(params), lr, momentum, dampening, weightDecay, nesterov);
  }

  /** Several parameter groups, each of which may override these defaults. */
  public SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
    super(groups, options("lr", lr, "momentum", intDefault(momentum), "dampening", intDefault(dampening), "weight_decay", intDefault(weightDecay),
        "nesterov", nesterov, "maximize", false, "foreach", null, "differentiable", false));
    if (lr < 0) throw new TorchException("Invalid learning rate: " + lr);
    if (momentum < 0) throw new TorchException("Invalid momentum value: " + momentum);
    if (weightDecay < 0) throw new TorchException("Invalid weight_decay value: " + weightDecay);
    if (nesterov && (momentum <= 0 || dampening != 0))
      throw new TorchException("Nesterov momentum requires a momentum and zero dampening");
  }

  @Override protected void update(Tensor p, Tensor g, Map<String, Tensor> state, ParamGroup group) {
    double lr = group.lr(), momentum = group.getDouble("momentum"), wd = group.getDouble("weight_decay");
    Tensor d = wd != 0 ? g.add(p.mul(wd)) : g;
    if (momentum != 0) {
      Tensor buf = state.get("momentum_buffer");
      if (buf == null) {
        buf = d.detach().clone();
        state.put("momentum_buffer", buf);
      } else {
        buf.mul_(momentum).add_(d.mul(1 - group.getDouble("dampening")));
      }
      d = group.getBool("nesterov") ? d.add(buf.mul(momentum)) : buf;
    }
    p.add_(d.mul(-lr));
  }
}
