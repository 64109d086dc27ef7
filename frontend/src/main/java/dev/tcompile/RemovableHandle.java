package dev.tcompile;

/** What {@code register_hook} returns: {@link #remove()} unregisters the hook (again is a no-op). */
public final class RemovableHandle {
  private Runnable remove;

  public RemovableHandle(Runnable remove) { this.remove = remove; }

  public void remove() {
    if (remove != null) remove.run();
    remove = null;
  }
}
