package dev.tcompile;

/** Thread-local switch for recording autograd history ({@code torch.is_grad_enabled()}). */
final class GradMode {
  private GradMode() {}

  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[]{true});

  static boolean isEnabled() { return ENABLED.get()[0]; }

  static void set(boolean on) { ENABLED.get()[0] = on; }
}
