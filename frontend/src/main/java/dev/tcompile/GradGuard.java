package dev.tcompile;

/**
 * Restores the previous grad mode when closed: {@code try (var g = Torch.noGrad()) { ... }}.
 * {@link #close()} throws nothing, so the try block needs no catch.
 */
public final class GradGuard implements AutoCloseable {
  private final boolean previous;
  private final Thread owner = Thread.currentThread();
  private boolean closed;

  GradGuard(boolean enabled) {
    previous = GradMode.isEnabled();
    GradMode.set(enabled);
  }

  @Override public void close() {
    if (closed) return;
    if (Thread.currentThread() != owner) throw new TorchException("a grad-mode guard must be closed on the thread that opened it");
    closed = true;
    GradMode.set(previous);
  }
}
