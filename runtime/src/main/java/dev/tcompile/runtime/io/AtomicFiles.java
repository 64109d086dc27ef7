package dev.tcompile.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that a crash, a full disk or an exception half-way never leaves it truncated: the bytes go to
 * a temporary file in the same folder, which then replaces the target by a rename (atomic where the file system
 * supports it). The previous file stays intact until the new one is complete.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes what {@code body} produces; the target appears only when {@code body} returns normally. */
  public interface Body { void writeTo(OutputStream out) throws IOException; }

  public static void write(Path target, Body body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) { body.writeTo(out); }
      move(tmp, abs);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static void write(Path target, byte[] bytes) throws IOException { write(target, out -> out.write(bytes)); }

  /** Renames {@code from} over {@code to}: atomically where supported, else a plain replacing move. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
