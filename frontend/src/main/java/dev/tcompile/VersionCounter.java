package dev.tcompile;

/** Counts in-place writes to a storage; shared by a tensor, its views and its detached aliases. */
final class VersionCounter {
  private int version;

  int get() { return version; }

  void bump() { version++; }
}
